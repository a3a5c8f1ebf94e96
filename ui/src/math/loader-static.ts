// The exported page: the exporter inlines KaTeX's script (an IIFE that sets the
// global below, built from katex.ts) only into pages that have math.

import type { MathModule } from "./kinds";

export const MATH_GLOBAL = "ReflowMath";

export function preloadedMath(): MathModule | null {
  const mod = (globalThis as unknown as Record<string, MathModule | undefined>)[MATH_GLOBAL];
  return mod && typeof mod.renderTex === "function" ? mod : null;
}

export function loadMath(): Promise<MathModule> {
  return Promise.reject(new Error("this page has no math code (export it again with a current Reflow)"));
}
