// The app: chart libraries are separate chunks, fetched the first time a chart shows.
// (The HTML export's build swaps this file for loader-static.ts.)

import type { ChartKind, ChartModule } from "./kinds";

export const OFFLINE = false;

export function loadChart(kind: ChartKind): Promise<ChartModule> {
  return kind === "vega" ? import("./vega") : import("./plotly");
}
