import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState, type State } from "../src/store";
import { firstLine, mutationHint, readsOf } from "../src/view/dependencies";

function cs(id: string, code: string, extra: Partial<CellState> = {}): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra };
}

function load(cells: CellState[]): State {
  const msg = { type: "session", version: PROTOCOL_VERSION, session: "S", path: "/t/nb.py", name: "nb.py", mode: "auto", read_only: false, cells, kernel: { state: "idle" }, config: {} };
  return applyServer(initialState(), msg as ServerMessage);
}

// df is defined twice (a, c); b reads a's df, d reads c's df and mutates it with a method call.
const cells = [
  cs("a", "import pandas as pd\ndf = pd.DataFrame()", { defs: ["df", "pd"] }),
  cs("b", "\n\nprint(len(df))", { refs: ["df", "len"], parents: ["a"], inputs: { df: ["a"] } }),
  cs("c", "df = df.dropna()", { defs: ["df"], refs: ["df"], parents: ["a"], inputs: { df: ["a"] } }),
  cs("d", "df.append(1)\nn = limit", { refs: ["df", "limit"], parents: ["c"], inputs: { df: ["c"] }, hints: ["df"] }),
];

describe("dependency view", () => {
  it("says which cell each read name comes from, and the other definers", () => {
    const s = load(cells);
    expect(readsOf(s, "b")).toEqual([
      { name: "df", from: ["a"], otherDefiners: ["c"] },
      { name: "len", from: [], otherDefiners: [] },
    ]);
    expect(readsOf(s, "d")[0]).toEqual({ name: "df", from: ["c"], otherDefiners: ["a"] });
  });

  it("follows the graph message when a redefinition moves", () => {
    let s = load(cells);
    s = applyServer(s, { type: "graph", order_valid: true, cells: { d: { defs: [], refs: ["df", "limit"], parents: ["a"], children: [], errors: [], inputs: { df: ["a"] }, hints: ["df"] } } });
    expect(readsOf(s, "d")[0]).toEqual({ name: "df", from: ["a"], otherDefiners: ["c"] });
    expect(mutationHint(s, s.cells["d"])).toEqual([{ name: "df", from: ["a"] }]);
  });

  it("hints only at names another cell provides", () => {
    const s = load([...cells, cs("e", "own = []\nown.append(1)\nx.append(2)", { defs: ["own"], refs: ["x"], hints: ["x"] })]);
    expect(mutationHint(s, s.cells["d"])).toEqual([{ name: "df", from: ["c"] }]);
    expect(mutationHint(s, s.cells["e"])).toEqual([]); // x comes from no cell: nothing to re-run
    expect(mutationHint(s, s.cells["b"])).toEqual([]);
  });

  it("names a cell by its first non-blank line, shortened", () => {
    const s = load(cells);
    expect(firstLine(s.cells["b"])).toBe("print(len(df))");
    expect(firstLine(cs("z", "x = '" + "a".repeat(80) + "'") as never, 12)).toBe("x = 'aaaaaa…");
  });
});
