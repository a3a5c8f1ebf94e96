// The exported page: the exporter inlines a chart library's script (a global set
// by an IIFE built from vega.ts / plotly.ts) only when the notebook has such charts.

import type { ChartKind, ChartModule } from "./kinds";

export const OFFLINE = true;

export const CHART_GLOBALS: Record<ChartKind, string> = { vega: "ReflowChartVega", plotly: "ReflowChartPlotly" };

export function loadChart(kind: ChartKind): Promise<ChartModule> {
  const mod = (globalThis as unknown as Record<string, ChartModule | undefined>)[CHART_GLOBALS[kind]];
  if (mod && typeof mod.render === "function") return Promise.resolve(mod);
  return Promise.reject(new Error(`this page has no ${kind === "vega" ? "Vega" : "Plotly"} code (export it again with a current Reflow)`));
}
