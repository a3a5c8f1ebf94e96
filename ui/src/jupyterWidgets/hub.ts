// Jupyter widgets (ipywidgets, anywidget, ipympl): the hub keeps the kernel's widget comm messages
// in order and loads the widget manager (./manager, the official @jupyter-widgets packages) when a
// notebook opens its first widget or an output shows one. It is lazy itself (./door routes to it).

import type { ServerMessage, WidgetCommServerMsg } from "../protocol";
import { type RenderOutputs, type Sender, widgetDoor } from "./door";
import { loadManager } from "./loader";

export type { RenderOutputs, Sender };

/** What the lazy manager module exports (./manager.ts). */
export interface WidgetManagerApi {
  receive(msg: WidgetCommServerMsg): void;
  idle(requestId: string): void;
  reset(): void;
  /** The HTML export: the models of a saved widget state document (no kernel). */
  offline(doc: unknown): Promise<void>;
  /** Render the model's view into `el`; resolves to its remover, or null if the model never arrives. */
  show(modelId: string, el: HTMLElement): Promise<(() => void) | null>;
}

class WidgetHub {
  private manager: WidgetManagerApi | null = null;
  private loading: Promise<WidgetManagerApi> | null = null;
  private queue: ServerMessage[] = [];

  /** A server message: true if it was the widgets' (then nobody else needs it). */
  handle(msg: ServerMessage): boolean {
    if (msg.type !== "widget_comm" && msg.type !== "widget_comm_idle") return false;
    if (this.manager) this.deliver(this.manager, msg);
    else if (msg.type === "widget_comm" && msg.op === "open") {
      this.queue.push(msg);
      void this.load();
    } else if (this.loading) this.queue.push(msg);
    return true;
  }

  /** The connection dropped: the models go (the server replays them on reconnect). */
  reset(): void {
    this.queue = [];
    this.manager?.reset();
  }

  load(): Promise<WidgetManagerApi> {
    this.loading ??= loadManager().then((m) => {
      const api = m.createManager(() => widgetDoor.sender, widgetDoor.renderOutputs);
      this.manager = api;
      const queued = this.queue;
      this.queue = [];
      for (const msg of queued) this.deliver(api, msg);
      return api;
    });
    return this.loading;
  }

  /** The HTML export: show the widgets from their saved state. */
  offline(doc: unknown): void {
    void this.load().then((api) => api.offline(doc));
  }

  private deliver(api: WidgetManagerApi, msg: ServerMessage): void {
    if (msg.type === "widget_comm") api.receive(msg);
    else if (msg.type === "widget_comm_idle") api.idle(msg.request_id);
  }
}

export const widgetHub = new WidgetHub();
