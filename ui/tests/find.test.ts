import { describe, expect, it } from "vitest";
import type { CellChange } from "../src/protocol";
import { findMatches, inverseChanges, queryRegExp, replaceAllChanges, replaceOne, stepMatch } from "../src/find/find";

const codeOf = (ch: CellChange): string => (ch.op === "set_code" ? ch.code : "");
const plain = { caseSensitive: false, regex: false };
const cells = [
  { id: "a", code: "total = price * qty\nprint(Total)" },
  { id: "b", code: "# no match here" },
  { id: "c", code: "tax = total * 0.2  # total.*" },
];

describe("notebook find", () => {
  it("finds across every cell, in display order, case-insensitively by default", () => {
    const m = findMatches(cells, "total", plain);
    expect(m.map((x) => [x.id, x.from])).toEqual([["a", 0], ["a", 26], ["c", 6], ["c", 21]]);
    expect(findMatches(cells, "total", { ...plain, caseSensitive: true }).length).toBe(3);
  });
  it("treats the query literally unless regex is on; a bad pattern finds nothing", () => {
    expect(findMatches(cells, "total.*", plain).map((x) => x.id)).toEqual(["c"]);
    expect(findMatches(cells, "t[ao]", { ...plain, regex: true }).length).toBe(9); // to·ta twice in each of a, c (+ "tax")
    expect(typeof queryRegExp("(", { ...plain, regex: true })).toBe("string");
    expect(findMatches(cells, "(", { ...plain, regex: true })).toEqual([]);
    expect(findMatches(cells, "x*", { ...plain, regex: true }).every((m) => m.to > m.from)).toBe(true);
  });
  it("steps and wraps", () => {
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(0, -1, 1)).toBe(-1);
  });
});

describe("notebook replace", () => {
  it("replace all is one set_code per changed cell", () => {
    const changes = replaceAllChanges(cells, "total", "amount", plain);
    expect(changes).toEqual([
      { op: "set_code", id: "a", code: "amount = price * qty\nprint(amount)" },
      { op: "set_code", id: "c", code: "tax = amount * 0.2  # amount.*" },
    ]);
  });
  it("a literal replacement keeps $ signs; a regex one expands groups", () => {
    expect(codeOf(replaceAllChanges([{ id: "a", code: "x = 1" }], "x", "$1y", plain)[0])).toBe("$1y = 1");
    expect(codeOf(replaceAllChanges([{ id: "a", code: "f(a, b)" }], "f\\((\\w), (\\w)\\)", "f($2, $1)", { ...plain, regex: true })[0])).toBe("f(b, a)");
  });
  it("replace one changes only that match", () => {
    const m = findMatches(cells, "total", plain)[1];
    expect(replaceOne(cells[0].code, m, "total", "sum", plain)).toBe("total = price * qty\nprint(sum)");
  });
  it("undo restores cells still as the replace left them, and leaves later edits alone", () => {
    const changes = replaceAllChanges(cells, "total", "amount", plain);
    const before = new Map(cells.map((c) => [c.id, c.code]));
    const now: Record<string, string> = { a: changes[0].op === "set_code" ? changes[0].code : "", c: "edited since" };
    expect(inverseChanges(before, changes, (id) => now[id])).toEqual([{ op: "set_code", id: "a", code: cells[0].code }]);
  });
});
