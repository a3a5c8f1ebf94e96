// reflow.ui.chart: a Vega-Lite chart or Plotly figure whose selection is the element's
// value. The chart is drawn once per payload; selections go to the sink (the kernel),
// which answers with the rows they pick.

import { ChartView } from "../view/charts/ChartView";
import type { ElementPayload } from "./elements";

export function ChartElement({ p, onSelect }: { p: ElementPayload; onSelect: (v: unknown) => void }) {
  const { mime, spec, params, label } = p.props as { mime: string; spec: unknown; params?: string[]; label?: string };
  return (
    <div class="rw-chart">
      {label && <div class="rw-label">{label}</div>}
      <ChartView mime={mime} data={spec} selection={{ params: params ?? [], onSelect }} />
    </div>
  );
}
