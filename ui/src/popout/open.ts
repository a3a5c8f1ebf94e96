// "Pop out": show a cell's output (or one of its outputs) in a window of its own. In the
// desktop app the page asks the server (POST /s/SESSION/pop-out) and the shell opens a native
// top-level window (always-on-top toggle, desktop/reflow_desktop/shell/popout.py); pywebview's
// own bridge cannot serve here (it builds its functions with eval, which the page's CSP forbids).
// In a browser the same page mode opens with window.open. Either way it is one more page on the
// same session.

import { TOKEN_KEY } from "../url";
import { popoutUrl, type PopoutTarget } from "./target";

/** Inside the desktop app (pywebview's script is on the page), whose pages cannot open windows themselves. */
function inDesktopApp(w: Window): boolean {
  return typeof (w as unknown as { pywebview?: unknown }).pywebview === "object";
}

/** Ask the desktop app for a native pop-out window (server/popout.py); false if it did not open one. */
async function askDesktop(session: string, target: PopoutTarget, size: { width: number; height: number }): Promise<boolean> {
  const token = storedToken();
  try {
    const r = await fetch(`/s/${encodeURIComponent(session)}/pop-out`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { "X-Reflow-Token": token } : {}) },
      credentials: "same-origin",
      body: JSON.stringify({ cell: target.cell, output: target.output, ...size }),
    });
    const body: unknown = r.ok ? await r.json() : null;
    return typeof body === "object" && body !== null && (body as { native?: unknown }).native === true;
  } catch {
    return false;
  }
}

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

// room for the pop-out page's own padding around the output, and sizes a window cannot go below/above
const PAD = { w: 48, h: 64 };
const MIN = { w: 320, h: 160 };
const MAX = { w: 1400, h: 1000 };

/** A window size that fits an output of this size. */
export function windowSize(width: number, height: number): { width: number; height: number } {
  const fit = (v: number, pad: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, (Number.isFinite(v) ? v : 0) + pad)));
  return { width: fit(width, PAD.w, MIN.w, MAX.w), height: fit(height, PAD.h, MIN.h, MAX.h) };
}

/** Open the pop-out window for `target`, sized to `shown` (the output as the notebook shows it). */
export function popOut(session: string, target: PopoutTarget, shown: { width: number; height: number } | null): void {
  const size = windowSize(shown?.width ?? 480, shown?.height ?? 240);
  if (inDesktopApp(window)) {
    void askDesktop(session, target, size).then((opened) => opened || openInBrowser(session, target, size));
    return;
  }
  openInBrowser(session, target, size);
}

function openInBrowser(session: string, target: PopoutTarget, size: { width: number; height: number }): void {
  const url = popoutUrl(location.origin, session, target, storedToken());
  window.open(url, `reflow-popout-${target.cell}-${target.output ?? "all"}`, `popup,width=${size.width},height=${size.height}`);
}
