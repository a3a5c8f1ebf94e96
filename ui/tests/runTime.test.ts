import { describe, expect, it } from "vitest";
import { formatElapsed, formatRunTime } from "../src/runTime";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState } from "../src/store";

const cell = (id: string, extra: Partial<CellState> = {}): CellState => ({
  id, kind: "code", code: "x = 1", options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra,
});
const session = (cells: CellState[], kernel: unknown = { state: "idle" }): ServerMessage =>
  ({ type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells, kernel, config: {} }) as ServerMessage;

describe("run time", () => {
  it("reads like a stopwatch", () => {
    expect(formatRunTime(0.4213)).toBe("0.42 s");
    expect(formatRunTime(0.004)).toBe("< 0.01 s");
    expect(formatRunTime(3.14159)).toBe("3.1 s");
    expect(formatRunTime(125)).toBe("2 min 5 s");
    expect(formatElapsed(7.25)).toBe("7.3 s");
    expect(formatElapsed(61)).toBe("1 min 1 s");
  });
  it("the kernel's seconds on the status that ends a run become the cell's run time", () => {
    let s = applyServer(initialState(), session([cell("a")]));
    expect(s.cells.a.run_seconds).toBeUndefined();
    s = applyServer(s, { type: "cell_status", id: "a", status: "running" });
    s = applyServer(s, { type: "cell_status", id: "a", status: "idle", seconds: 0.42 });
    expect(s.cells.a.run_seconds).toBe(0.42);
    s = applyServer(s, { type: "cell_status", id: "a", status: "stale" }); // no seconds: the last run's stays
    expect(s.cells.a.run_seconds).toBe(0.42);
  });
  it("a reconnect shows the session's remembered run time", () => {
    const s = applyServer(initialState(), session([cell("a", { run_seconds: 1.5 })]));
    expect(s.cells.a.run_seconds).toBe(1.5);
  });
});

describe("kernel died", () => {
  it("marks the cell that was running until it runs again", () => {
    let s = applyServer(initialState(), session([cell("a"), cell("b")]));
    s = applyServer(s, { type: "kernel", state: "dead", message: "The kernel died (exit code 1).", cell: "b" });
    expect(s.crashedCell).toBe("b");
    s = applyServer(s, { type: "kernel", state: "restarting" });
    expect(s.crashedCell).toBe("b"); // still marked after a restart: the user sees which cell did it
    s = applyServer(s, { type: "cell_status", id: "b", status: "running" });
    expect(s.crashedCell).toBe(null);
  });
  it("a page that connects after the death sees the mark too", () => {
    const s = applyServer(initialState(), session([cell("a")], { state: "dead", message: "died", cell: "a" }));
    expect(s.crashedCell).toBe("a");
    expect(s.kernel).toEqual({ state: "dead", message: "died" });
  });
});
