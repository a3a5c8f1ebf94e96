import { describe, expect, it } from "vitest";
import type { HistoryRun, Output } from "../src/protocol";
import {
  comparedPair,
  formatRanAt,
  lineDiff,
  openHistory,
  outputsText,
  position,
  refreshHistory,
  step,
  toggleCompare,
} from "../src/history/model";

const run = (key: string, text: string): HistoryRun => ({
  key,
  code: `print(${JSON.stringify(text)})`,
  ran_at: "2026-12-03T12:00:00Z",
  outputs: [{ kind: "stream", name: "stdout", text: `${text}\n` }],
});
const three = [run("a", "one"), run("b", "two"), run("c", "three")];

describe("output history stepping", () => {
  it("opens on the newest run and steps within the runs", () => {
    let v = openHistory(three, []);
    expect(v.index).toBe(2);
    expect(position(v)).toBe("3 of 3");
    v = step(v, -1);
    v = step(v, -1);
    v = step(v, -1); // already the oldest
    expect(v.index).toBe(0);
    expect(step(v, 5).index).toBe(2);
    expect(position(openHistory([], []))).toBe("no runs kept");
  });

  it("compares the shown run with the newest (or the one before it), older on the left", () => {
    const newest = toggleCompare(openHistory(three, []));
    expect(comparedPair(newest)).toEqual([1, 2]);
    const older = toggleCompare(step(openHistory(three, []), -2));
    expect(comparedPair(older)).toEqual([0, 2]);
    expect(comparedPair(toggleCompare(older))).toBeNull();
    expect(toggleCompare(openHistory([three[0]], [])).compare).toBeNull(); // one run: nothing to compare
    expect(step(older, 2).compare).toBeNull(); // stepping onto the compared run ends the comparison
  });

  it("a refetch keeps the shown run by its key, or starts at the newest when it is gone", () => {
    const v = step(openHistory(three, []), -1); // showing "b"
    const more = refreshHistory(v, [...three, run("d", "four")], []);
    expect(more.entries[more.index].key).toBe("b");
    const evicted = refreshHistory(v, [run("c", "three"), run("d", "four")], ["note"]);
    expect(evicted.index).toBe(1);
    expect(evicted.notes).toEqual(["note"]);
  });
});

describe("comparing text", () => {
  it("takes the text of streams, plain results and errors", () => {
    const outputs: Output[] = [
      { kind: "stream", name: "stdout", text: "hello\n" },
      { kind: "data", data: { "text/plain": "42" } },
      { kind: "data", data: { "text/plain": "<Figure at 0x7f>", "image/png": "AAAA" } },
      { kind: "error", error: { kind: "exception", message: "boom", cells: [], ename: "ValueError" } },
    ];
    expect(outputsText(outputs)).toBe("hello\n42\nValueError: boom\n");
  });

  it("diffs lines: kept, removed from the older, added in the newer", () => {
    expect(lineDiff("a\nb\nc", "a\nc\nd")).toEqual([
      { op: "same", text: "a" },
      { op: "removed", text: "b" },
      { op: "same", text: "c" },
      { op: "added", text: "d" },
    ]);
    expect(lineDiff("same", "same")!.every((l) => l.op === "same")).toBe(true);
    const huge = "x\n".repeat(5000);
    expect(lineDiff(huge, huge + "y")).toBeNull(); // too large to diff: shown side by side only
  });

  it("says when a run happened in the user's day", () => {
    const now = new Date(2026, 11, 3, 15, 0, 0);
    expect(formatRanAt(new Date(2026, 11, 3, 14, 3, 21).toISOString(), now)).toBe("today 14:03:21");
    expect(formatRanAt(new Date(2026, 10, 30, 9, 15, 0).toISOString(), now)).toBe("2026-11-30 09:15");
    expect(formatRanAt("not a date", now)).toBe("not a date");
  });
});
