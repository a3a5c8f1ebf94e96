import { describe, expect, it } from "vitest";
import { plotlyPairs, storeTerms, vegaSelection } from "../src/view/charts/selection";

describe("chart selections sent to the kernel", () => {
  it("a Vega brush store becomes field / type / value terms, dates as milliseconds", () => {
    const store = [
      {
        unit: "concat_0",
        fields: [
          { field: "x", channel: "x", type: "R" },
          { field: "when", channel: "y", type: "R" },
        ],
        values: [
          [1, 3],
          [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 2))],
        ],
      },
    ];
    expect(storeTerms(store)).toEqual([
      [
        { field: "x", type: "R", value: [1, 3] },
        { field: "when", type: "R", value: [1704067200000, 1704153600000] },
      ],
    ]);
  });

  it("point entries (one per click) stay separate; junk entries are dropped", () => {
    const store = [
      { fields: [{ field: "c", type: "E" }], values: ["a"] },
      { fields: [{ field: "c", type: "E" }], values: ["b"] },
      { fields: [{ type: "E" }], values: ["no field"] },
      null,
    ];
    expect(vegaSelection({ pick: store, brush: [] })).toEqual({
      selections: { pick: [[{ field: "c", type: "E", value: "a" }], [{ field: "c", type: "E", value: "b" }]], brush: [] },
    });
    expect(storeTerms(undefined)).toEqual([]);
  });

  it("Plotly points become [trace, point] pairs; a histogram bar gives every point in it", () => {
    expect(
      plotlyPairs([
        { curveNumber: 0, pointNumber: 3, x: 1, y: 2 },
        { curveNumber: 1, pointIndex: 2, pointNumber: 9 },
        { curveNumber: 2, pointNumbers: [4, 5, -1] },
        { curveNumber: -1, pointNumber: 0 },
        { pointNumber: 1 },
      ]),
    ).toEqual({ points: [[0, 3], [1, 2], [2, 4], [2, 5]] });
    expect(plotlyPairs(undefined)).toEqual({ points: [] });
  });
});
