// What a chart selection sends to the kernel (reflow.ui.chart): pure conversions,
// unit-tested. The kernel checks everything again; this only picks the parts it reads.

/** Called with the chart's new selection (the element's value). */
type OnSelect = (value: unknown) => void;

/** A chart drawn as an input: which selection params to follow, where to report. */
export interface SelectionOptions {
  /** Vega-Lite selection param names (empty for Plotly) */
  params: string[];
  onSelect: OnSelect;
}

/** One entry of a Vega selection store, as Vega keeps it. */
interface StoreEntry {
  fields?: { field?: unknown; type?: unknown }[];
  values?: unknown[];
}

interface Term {
  field: string;
  type: string;
  value: unknown;
}

/** Dates as milliseconds (how Vega compares them), in lists too. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

/** A selection store's entries as `[[{field, type, value}, ...], ...]`. */
export function storeTerms(entries: unknown): Term[][] {
  if (!Array.isArray(entries)) return [];
  const out: Term[][] = [];
  for (const e of entries as StoreEntry[]) {
    const fields = e?.fields ?? [];
    const values = e?.values ?? [];
    const terms: Term[] = [];
    fields.forEach((f, i) => {
      if (typeof f?.field === "string" && typeof f.type === "string") terms.push({ field: f.field, type: f.type, value: plain(values[i]) });
    });
    if (terms.length) out.push(terms);
  }
  return out;
}

/** The value of a Vega-Lite chart element: every param's store entries. */
export function vegaSelection(stores: { [param: string]: unknown }): { selections: { [param: string]: Term[][] } } {
  const selections: { [param: string]: Term[][] } = {};
  for (const [name, entries] of Object.entries(stores)) selections[name] = storeTerms(entries);
  return { selections };
}

interface PlotlyPoint {
  curveNumber?: unknown;
  pointNumber?: unknown;
  pointIndex?: unknown;
  pointNumbers?: unknown;
}

const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** Plotly event points as `[trace, point]` pairs (a histogram bar: every point in it). */
export function plotlyPairs(points: unknown): { points: [number, number][] } {
  const out: [number, number][] = [];
  for (const p of (Array.isArray(points) ? points : []) as PlotlyPoint[]) {
    if (!p || !isIndex(p.curveNumber)) continue;
    const curve = p.curveNumber;
    if (Array.isArray(p.pointNumbers)) {
      for (const n of p.pointNumbers) if (isIndex(n)) out.push([curve, n]);
    } else {
      const n = isIndex(p.pointIndex) ? p.pointIndex : p.pointNumber;
      if (isIndex(n)) out.push([curve, n]);
    }
  }
  return { points: out };
}
