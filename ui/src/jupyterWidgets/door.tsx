// Jupyter widgets' only code in the always-loaded app, kept tiny on purpose (scripts/lazy-only.ts
// fails the build when anything else of them gets in): it routes the widget messages and shows a
// widget output through ./view, a chunk fetched with the first of either. A notebook without
// widgets never downloads it.

import type { ComponentChildren, FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ClientMessage, Output, ServerMessage } from "../protocol";

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** Renders app outputs into an element (null: unmount); the Output widget's view uses it. */
export type RenderOutputs = (outputs: Output[] | null, el: HTMLElement) => void;

export interface Sender {
  send(msg: ClientMessage): void;
}

let lazy: Promise<typeof import("./view")> | undefined;
const load = () => (lazy ??= import("./view"));

export const widgetDoor = {
  sender: null as Sender | null,
  renderOutputs: null as RenderOutputs | null,
  /** A server message: true if it was the widgets' (handed on in arrival order). */
  handle(msg: ServerMessage): boolean {
    if (!msg.type.startsWith("widget_comm")) return false;
    void load().then((m) => m.widgetHub.handle(msg));
    return true;
  },
  /** The connection dropped: the models go (the server replays them on reconnect). */
  reset(): void {
    void lazy?.then((m) => m.widgetHub.reset());
  },
};

type Props = { data: unknown; fallback: ComponentChildren };

/** A widget output: ./view's JupyterWidget once loaded (the bundle's other form if it can't be). */
export function JupyterWidget(props: Props) {
  const [View, setView] = useState<FunctionComponent<Props> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then(
      (m) => setView(() => m.JupyterWidget),
      () => setFailed(true),
    );
  }, []);
  return View ? <View {...props} /> : failed ? <>{props.fallback}</> : null;
}
