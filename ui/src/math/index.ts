// Math in markdown, rendered by KaTeX only once a page shows math: until the chunk
// arrives a formula is a placeholder holding its TeX; when it arrives, the listeners
// (markdown.ts) re-render what is on screen. The export has KaTeX from the start.

import type { MathModule } from "./kinds";
import { loadMath, preloadedMath } from "./loader";

export const PENDING_CLASS = "rw-math-pending";

let mod: MathModule | null = preloadedMath();
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Called once KaTeX is loaded (never if it is already there). */
export function onMathLoaded(listener: () => void): void {
  listeners.add(listener);
}

export function mathLoaded(): boolean {
  return mod !== null;
}

/** Load KaTeX now (the app calls this on the first formula it meets). */
export function requestMath(): Promise<void> {
  if (mod) return Promise.resolve();
  loading ??= loadMath().then(
    (m) => {
      mod = m;
      for (const l of listeners) l();
    },
    (err: unknown) => {
      loading = null;
      console.warn("math renderer unavailable:", err);
    },
  );
  return loading;
}

/** TeX -> HTML now: KaTeX's, or a placeholder (and a request for KaTeX). */
export function texToHtml(tex: string, display: boolean): string {
  if (mod) return mod.renderTex(tex, display);
  void requestMath();
  return `<span class="${PENDING_CLASS}" data-display="${display ? "1" : "0"}">${escapeHtml(tex)}</span>`;
}
