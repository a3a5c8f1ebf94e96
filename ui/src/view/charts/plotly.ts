// Plotly figures (the JSON plotly.py emits): Plotly's own hover labels, zoom, pan
// and modebar, without the logo and "edit in Chart Studio / send to cloud" links.
// Loaded lazily (its own chunk in the app, its own inlined script in an export).

import Plotly from "plotly.js-dist-min";
import type { ChartOptions } from "./kinds";
import { plotlyPairs, type SelectionOptions } from "./selection";

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
  if (opts.selection) followSelections(el, fig.layout ?? {}, opts.selection);
  return () => Plotly.purge(el);
}

type PlotlyEvent = { points?: unknown } | undefined;
interface PlotlyHost {
  on(event: string, handler: (e: PlotlyEvent) => void): void;
}

/** Box / lasso select and deselect; a click too when clicking does not select. */
function followSelections(el: HTMLElement, layout: Record<string, unknown>, sel: SelectionOptions): void {
  const host = el as unknown as PlotlyHost;
  let last = "";
  const report = (points: unknown) => {
    const value = plotlyPairs(points);
    const key = JSON.stringify(value);
    if (key === last) return;
    last = key;
    sel.onSelect(value);
  };
  host.on("plotly_selected", (e) => report(e?.points ?? []));
  host.on("plotly_deselect", () => report([]));
  if (!String(layout.clickmode ?? "").includes("select")) host.on("plotly_click", (e) => report(e?.points ?? []));
}
