// What the math renderer module provides; loaded lazily (see loader.ts).

export interface MathModule {
  renderTex(tex: string, display: boolean): string;
}
