// The app: KaTeX is a separate chunk, fetched the first time a page shows math.
// (The HTML export's build swaps this file for loader-static.ts.)

import type { MathModule } from "./kinds";

export function preloadedMath(): MathModule | null {
  return null;
}

export function loadMath(): Promise<MathModule> {
  return import("./katex");
}
