// Rendering Reflow's own output types: elements, markdown with live elements, and
// layouts of child outputs. `outputs.tsx` calls `WidgetView` for these MIME types.

import { render } from "preact";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { renderMarkdown } from "../markdown";
import type { MimeBundle } from "../protocol";
import { Element as ElementView, type ElementPayload } from "./elements";
import { Layout, type LayoutPayload } from "./layout";
import "./widgets.css";

const UI_MIME = "application/vnd.reflow.ui+json";
const MD_MIME = "application/vnd.reflow.md+json";
const LAYOUT_MIME = "application/vnd.reflow.layout+json";
export const WIDGET_MIMES: readonly string[] = [UI_MIME, MD_MIME, LAYOUT_MIME];

type BundleRenderer = (bundle: MimeBundle) => any;

export function WidgetView({ mime, data, renderBundle }: { mime: string; data: unknown; renderBundle: BundleRenderer }) {
  if (mime === UI_MIME) return <ElementView payload={data as ElementPayload} />;
  if (mime === MD_MIME) return <LiveMarkdown data={data as MdPayload} />;
  if (mime === LAYOUT_MIME) return <Layout data={data as LayoutPayload} renderBundle={renderBundle} />;
  return null;
}

interface MdPayload {
  text: string;
  elements: { [id: string]: ElementPayload };
}

/** Markdown whose `<span data-reflow-el>` placeholders become live widgets. */
function LiveMarkdown({ data }: { data: MdPayload }) {
  const ref = useRef<HTMLDivElement>(null);
  const html = useMemo(() => renderMarkdown(data.text ?? ""), [data.text]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.innerHTML = html;
    const mounted: HTMLElement[] = [];
    for (const slot of Array.from(el.querySelectorAll<HTMLElement>("[data-reflow-el]"))) {
      const payload = data.elements?.[slot.dataset.reflowEl ?? ""];
      if (!payload) continue;
      render(<ElementView payload={payload} />, slot);
      mounted.push(slot);
    }
    return () => {
      for (const slot of mounted) render(null, slot);
    };
  }, [html, data.elements]);
  return <div class="output-markdown markdown rw-md" ref={ref} />;
}
