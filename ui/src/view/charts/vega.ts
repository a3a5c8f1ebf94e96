// Vega and Vega-Lite charts (Altair emits Vega-Lite) through vega-embed: tooltips,
// the spec's own selections / zoom / pan, and an actions menu to save SVG or PNG.
// Loaded lazily (its own chunk in the app, its own inlined script in an export).

import embed, { type VisualizationSpec } from "vega-embed";
import { loader as vegaLoader } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { vegaMode, type ChartOptions } from "./kinds";
import { vegaSelection, type SelectionOptions } from "./selection";
import type { View } from "vega";

/** A loader that fetches nothing: exported pages never touch the network. */
function offlineLoader() {
  const l = vegaLoader();
  const refuse = (uri: string) => Promise.reject(new Error(`an exported page loads no data (${uri}); pass the chart its data inline`));
  l.load = refuse as typeof l.load;
  l.sanitize = refuse as typeof l.sanitize;
  l.http = refuse as typeof l.http;
  l.file = refuse as typeof l.file;
  return l;
}

export async function render(el: HTMLElement, data: unknown, opts: ChartOptions): Promise<() => void> {
  const spec = data as VisualizationSpec;
  const result = await embed(el, spec, {
    mode: vegaMode(opts.mime),
    // no "open in editor" (a network link), no source views: save as SVG / PNG only
    actions: { export: true, source: false, compiled: false, editor: false },
    // evaluate expressions without eval / new Function (exports have a strict CSP)
    ast: true,
    expr: expressionInterpreter,
    tooltip: true,
    ...(opts.offline ? { loader: offlineLoader() } : {}),
    // dark: light text and axes on the notebook's own background
    ...(opts.dark ? { theme: "dark" as const, config: { background: "transparent" } } : {}),
    downloadFileName: "chart",
  });
  if (opts.selection) followSelections(result.view, opts.selection);
  return () => result.finalize();
}

/** Report the selection params' stores whenever one changes (a brush drag, a click). */
function followSelections(view: View, sel: SelectionOptions): void {
  let last = "";
  const report = () => {
    const stores: { [param: string]: unknown } = {};
    for (const name of sel.params) {
      try {
        stores[name] = view.data(`${name}_store`);
      } catch {
        stores[name] = []; // not a selection this view has
      }
    }
    const value = vegaSelection(stores);
    const key = JSON.stringify(value);
    if (key === last) return;
    last = key;
    sel.onSelect(value);
  };
  for (const name of sel.params) {
    try {
      view.addSignalListener(name, report);
    } catch {
      /* a param the compiled view does not have: nothing to follow */
    }
  }
}
