import { describe, expect, it } from "vitest";
import { pickMime } from "../src/mime";
import { chartData, chartKind, chartMime, vegaMode } from "../src/view/charts/kinds";
import { CHART_GLOBALS, loadChart as loadStatic, OFFLINE as STATIC_OFFLINE } from "../src/view/charts/loader-static";
import { OFFLINE } from "../src/view/charts/loader";

const VL5 = "application/vnd.vegalite.v5+json";
const PLOTLY = "application/vnd.plotly.v1+json";

describe("chart MIME selection", () => {
  it("prefers a Vega-Lite spec over Altair's HTML, PNG and text fallbacks", () => {
    expect(pickMime({ "text/plain": "alt.Chart(...)", "text/html": "<div>…</div>", "image/png": "AAA", [VL5]: { mark: "bar" } })).toBe(VL5);
  });
  it("prefers a Plotly figure over plotly.py's text/html", () => {
    expect(pickMime({ "text/html": "<div>plotly</div>", "text/plain": "Figure()", [PLOTLY]: { data: [] } })).toBe(PLOTLY);
  });
  it("takes any Vega / Vega-Lite version, Vega-Lite and newer first", () => {
    expect(pickMime({ "application/vnd.vegalite.v4+json": {}, "text/html": "x" })).toBe("application/vnd.vegalite.v4+json");
    expect(pickMime({ "application/vnd.vegalite.v7+json": {}, "text/plain": "x" })).toBe("application/vnd.vegalite.v7+json");
    expect(pickMime({ "application/vnd.vega.v5+json": {}, "text/plain": "x" })).toBe("application/vnd.vega.v5+json");
    expect(chartMime({ "application/vnd.vega.v6+json": {}, "application/vnd.vegalite.v4+json": {} })).toBe("application/vnd.vegalite.v4+json");
    expect(chartMime({ "application/vnd.vegalite.v4+json": {}, "application/vnd.vegalite.v6+json": {} })).toBe("application/vnd.vegalite.v6+json");
  });
  it("reflow widgets still come first, and a null chart is skipped", () => {
    expect(pickMime({ "application/vnd.reflow.ui+json": { id: "x" }, [VL5]: {} })).toBe("application/vnd.reflow.ui+json");
    expect(pickMime({ [VL5]: null, "text/html": "<b>x</b>" })).toBe("text/html");
  });
  it("bundles without charts pick what they did before", () => {
    expect(pickMime({ "text/plain": "x", "text/html": "<b>x</b>" })).toBe("text/html");
    expect(pickMime({ "text/plain": "x", "image/png": "AAA" })).toBe("image/png");
    expect(chartMime({ "text/plain": "x", "application/vnd.vegalite.vx+json": {} })).toBe(null);
  });
  it("knows which library draws what", () => {
    expect(chartKind(VL5)).toBe("vega");
    expect(chartKind("application/vnd.vega.v6+json")).toBe("vega");
    expect(chartKind(PLOTLY)).toBe("plotly");
    expect(chartKind("text/html")).toBe(null);
    expect(chartKind("application/vnd.plotly.v2+json")).toBe(null);
    expect(vegaMode(VL5)).toBe("vega-lite");
    expect(vegaMode("application/vnd.vega.v5+json")).toBe("vega");
  });
  it("parses JSON that arrives as text or nbformat lines", () => {
    expect(chartData('{"mark":"bar"}')).toEqual({ mark: "bar" });
    expect(chartData(['{"mark":', '"bar"}'])).toEqual({ mark: "bar" });
    const spec = { mark: "point" };
    expect(chartData(spec)).toBe(spec);
  });
});

describe("chart loaders", () => {
  it("the app loads online, the export reads inlined globals offline", async () => {
    expect(OFFLINE).toBe(false);
    expect(STATIC_OFFLINE).toBe(true);
    await expect(loadStatic("plotly")).rejects.toThrow(/no Plotly code/);
    const fake = { render: async () => () => {} };
    (globalThis as Record<string, unknown>)[CHART_GLOBALS.vega] = fake;
    try {
      await expect(loadStatic("vega")).resolves.toBe(fake);
    } finally {
      delete (globalThis as Record<string, unknown>)[CHART_GLOBALS.vega];
    }
  });
});
