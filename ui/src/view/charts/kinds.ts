// Which MIME types are charts, and which library draws them. Tiny on purpose: it is
// part of the main bundle; the libraries themselves load only when a chart shows.

import type { SelectionOptions } from "./selection";

export type ChartKind = "vega" | "plotly";

const VEGA = /^application\/vnd\.(vegalite|vega)\.v(\d+)(\.\d+)*\+json$/;
const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** The chart library for a MIME type, or null if it is not a chart. */
export function chartKind(mime: string): ChartKind | null {
  if (mime === PLOTLY_MIME) return "plotly";
  return VEGA.test(mime) ? "vega" : null;
}

/** "vega-lite" or "vega" for a Vega MIME type (vega-embed's `mode`). */
export function vegaMode(mime: string): "vega-lite" | "vega" {
  return mime.startsWith("application/vnd.vegalite.") ? "vega-lite" : "vega";
}

/** The chart MIME type in a bundle (newest Vega-Lite first), or null. */
export function chartMime(bundle: { [mime: string]: unknown }): string | null {
  let best: string | null = null;
  let bestRank = -1;
  for (const k of Object.keys(bundle)) {
    if (bundle[k] == null) continue;
    if (k === PLOTLY_MIME) return k;
    const m = VEGA.exec(k);
    if (!m) continue;
    // Vega-Lite over Vega (what a library emitted as its own spec), newer over older
    const rank = (m[1] === "vegalite" ? 1000 : 0) + Number(m[2]);
    if (rank > bestRank) {
      best = k;
      bestRank = rank;
    }
  }
  return best;
}

/** Options every chart module's render() takes. */
export interface ChartOptions {
  mime: string;
  /** An exported page: load nothing from anywhere (data URLs, images). */
  offline: boolean;
  dark: boolean;
  /** Drawn as an input (reflow.ui.chart): report selections here. */
  selection?: SelectionOptions;
}

/** What src/view/charts/vega.ts and plotly.ts export. */
export interface ChartModule {
  render(el: HTMLElement, data: unknown, opts: ChartOptions): Promise<() => void>;
}

/** JSON MIME data may arrive as text (some .ipynb writers). */
export function chartData(v: unknown): unknown {
  if (typeof v === "string") return JSON.parse(v);
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return JSON.parse(v.join(""));
  return v;
}
