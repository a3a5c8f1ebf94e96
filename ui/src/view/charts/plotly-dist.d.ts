// plotly.js-dist-min ships no types; the little of its API that plotly.ts uses.
declare module "plotly.js-dist-min" {
  const Plotly: {
    newPlot(el: HTMLElement, fig: { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown>; frames?: unknown[] }): Promise<HTMLElement>;
    purge(el: HTMLElement): void;
  };
  export default Plotly;
}
