// A Vega / Vega-Lite / Plotly output. The library loads on first use (see loader.ts)
// and draws into a host element Preact leaves alone.

import { useEffect, useRef, useState } from "preact/hooks";
import { chartData, chartKind, type ChartKind } from "./kinds";
import { loadChart, OFFLINE } from "./loader";
import type { SelectionOptions } from "./selection";

/** The page's theme, following the app's light / dark switch. */
function useDarkTheme(): boolean {
  const root = document.documentElement;
  const [dark, setDark] = useState(root.dataset.theme === "dark");
  useEffect(() => {
    const mo = new MutationObserver(() => setDark(root.dataset.theme === "dark"));
    mo.observe(root, { attributes: true, attributeFilter: ["data-theme"] });
    return () => mo.disconnect();
  }, [root]);
  return dark;
}

/** `selection`: the chart is an input (reflow.ui.chart); it is not drawn again when only
 *  `onSelect` changes, so a brush stays where the user left it. */
export function ChartView({ mime, data, selection }: { mime: string; data: unknown; selection?: SelectionOptions }) {
  const kind = chartKind(mime) as ChartKind;
  const onSelect = useRef(selection?.onSelect);
  onSelect.current = selection?.onSelect;
  const params = selection ? JSON.stringify(selection.params) : null;
  // Vega charts are drawn again in the other theme's colours; Plotly figures carry their own template
  const dark = useDarkTheme() && kind === "vega";
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState("");
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let cancelled = false;
    let dispose: (() => void) | undefined;
    setState("loading");
    loadChart(kind)
      .then((mod) => {
        const sel = params === null ? undefined : { params: JSON.parse(params) as string[], onSelect: (v: unknown) => onSelect.current?.(v) };
        return mod.render(el, chartData(data), { mime, offline: OFFLINE, dark, selection: sel });
      })
      .then((d) => {
        if (cancelled) d();
        else {
          dispose = d;
          setState("ready");
        }
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e instanceof Error ? e.message : String(e));
        setState("error");
      });
    return () => {
      cancelled = true;
      try {
        dispose?.();
      } catch {
        /* a library's cleanup must not break unmounting */
      }
      el.replaceChildren();
    };
  }, [mime, data, kind, dark, params]);
  return (
    <div class={`output-chart chart-${kind}`} data-chart={kind} data-state={state}>
      <div class="chart-host" ref={host} />
      {state === "error" && <div class="output-note chart-error">Chart could not be drawn: {error}</div>}
    </div>
  );
}
