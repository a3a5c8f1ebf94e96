// Plotly figures (the JSON plotly.py emits): Plotly's own hover labels, zoom, pan
// and modebar, without the logo and "edit in Chart Studio / send to cloud" links.
// Loaded lazily (its own chunk in the app, its own inlined script in an export).

import Plotly from "plotly.js-dist-min";
import type { ChartOptions } from "./kinds";

interface Figure {
  data?: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

export async function render(el: HTMLElement, data: unknown, opts: ChartOptions): Promise<() => void> {
  const fig = (data ?? {}) as Figure;
  const config: Record<string, unknown> = {
    responsive: true,
    ...(fig.config ?? {}),
    displaylogo: false,
    showLink: false,
    showSendToCloud: false,
    showEditInChartStudio: false,
    modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio"],
  };
  if (opts.offline) {
    config.topojsonURL = ""; // geo base maps would be fetched: an export fetches nothing
    config.mathjax = false;
  }
  await Plotly.newPlot(el, { data: fig.data ?? [], layout: fig.layout ?? {}, config, frames: fig.frames });
  return () => Plotly.purge(el);
}
