// "Pop out": show a cell's output (or one of its outputs) in a window of its own. In the
// desktop app the shell opens a native top-level window (always-on-top toggle,
// desktop/reflow_desktop/shell/popout.py) through pywebview's bridge; in a browser the same
// page mode opens with window.open. Either way it is one more page on the same session.

import { TOKEN_KEY } from "../url";
import { popoutUrl, type PopoutTarget } from "./target";

/** The desktop bridge's pop-out call (window.pywebview.api.pop_out), when the page runs in the app. */
type DesktopPopOut = (session: string, cell: string, output: number | null, width: number, height: number) => unknown;

function desktopPopOut(w: Window): DesktopPopOut | null {
  const api = (w as unknown as { pywebview?: { api?: { pop_out?: unknown } } }).pywebview?.api;
  return api && typeof api.pop_out === "function" ? (api.pop_out as DesktopPopOut) : null;
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
  const desktop = desktopPopOut(window);
  if (desktop) {
    void desktop(session, target.cell, target.output, size.width, size.height);
    return;
  }
  const url = popoutUrl(location.origin, session, target, storedToken());
  window.open(url, `reflow-popout-${target.cell}-${target.output ?? "all"}`, `popup,width=${size.width},height=${size.height}`);
}
