// HTML outputs render in sandboxed frames: `sandbox="allow-scripts"` without
// allow-same-origin gives the frame an opaque origin, so nothing in it can read the
// page's DOM, storage or cookie, or talk to the app's server as the page. The frame
// document (srcdoc) inherits the page's Content-Security-Policy, so its only script is
// the sizer (allowed by hash); the HTML itself is sanitised with DOMPurify first.
// The bridge to the page is one message, audited here: the frame's content height.

import DOMPurify from "dompurify";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import { FRAME_HEIGHT, FRAME_SIZER_JS } from "./frameSizer";

const MAX_HEIGHT = 100_000;
const frames = new Map<Window, HTMLIFrameElement>();
let listening = false;

/** The one message a frame may send: its height. Anything else, or from anywhere else, is ignored. */
function onFrameMessage(ev: MessageEvent): void {
  const frame = ev.source && frames.get(ev.source as Window);
  if (!frame) return;
  const data: unknown = ev.data;
  if (typeof data !== "object" || data === null) return;
  const { reflow, height } = data as { reflow?: unknown; height?: unknown };
  if (reflow !== FRAME_HEIGHT || typeof height !== "number" || !Number.isFinite(height)) return;
  frame.style.height = `${Math.min(Math.max(Math.ceil(height), 0), MAX_HEIGHT)}px`;
  frame.dataset.sized = "1";
}

const FRAME_CSS = `
:root { color-scheme: light dark; }
html { background: transparent; }
body { margin: 0; font: 13px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f27; overflow-x: auto; overflow-y: hidden; }
:root[data-theme="dark"] body { color: #e4e6eb; }
a { color: #3b5bdb; }
:root[data-theme="dark"] a { color: #8ea4ff; }
table { border-collapse: collapse; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 12px; text-align: right; border-bottom: 1px solid #8884; }
thead th { border-bottom: 1px solid #8888; font-weight: 600; }
tbody th { opacity: 0.75; font-weight: 500; }
img, svg { max-width: 100%; }
`;

/**
 * The frame's whole document: sanitised HTML, the theme, and the sizer script. Built as a
 * DOM and serialised, so no script tag is spelled out in our bundle (the HTML export counts them).
 */
export function frameDocument(html: string, theme: string): string {
  const doc = document.implementation.createHTMLDocument("");
  doc.documentElement.dataset.theme = theme;
  doc.documentElement.dataset.sizer = FRAME_HEIGHT;
  const meta = doc.createElement("meta");
  meta.setAttribute("charset", "utf-8");
  const base = doc.createElement("base");
  base.target = "_blank";
  const style = doc.createElement("style");
  style.textContent = FRAME_CSS;
  doc.head.append(meta, base, style);
  const clean = DOMPurify.sanitize(html, { FORCE_BODY: true, RETURN_DOM_FRAGMENT: true, USE_PROFILES: { html: true, svg: true, svgFilters: true } });
  doc.body.append(doc.importNode(clean, true));
  const sizer = doc.createElement("script");
  sizer.textContent = FRAME_SIZER_JS;
  doc.body.append(sizer);
  return "<!doctype html>" + doc.documentElement.outerHTML;
}

export function OutputFrame({ html }: { html: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const theme = document.documentElement.dataset.theme ?? "light";
  const doc = useMemo(() => frameDocument(html, theme), [html, theme]);
  // A layout effect: the frame is registered as soon as it is in the DOM, before its srcdoc loads
  // and its sizer posts the height once. useEffect ran after the next paint, which a page under
  // load or not painting (headless, hidden) delays, so that one message was dropped as unknown.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!listening) {
      window.addEventListener("message", onFrameMessage);
      listening = true;
    }
    const win = el.contentWindow;
    if (win) frames.set(win, el);
    return () => {
      if (win) frames.delete(win);
    };
  }, []);
  return <iframe ref={ref} class="output-frame" sandbox="allow-scripts" srcdoc={doc} title="HTML output" referrerpolicy="no-referrer" />;
}
