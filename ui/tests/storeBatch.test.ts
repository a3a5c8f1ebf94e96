// A batch of kernel events is applied with one copy of the cell map for the whole batch (changed in
// place while the batch applies), not one copy per event. It must still equal the events applied one by
// one, never touch the state it started from, and leave a map that later events copy again.
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState, type State } from "../src/store";

function cs(id: string): CellState {
  return { id, kind: "code", code: `${id} = 1`, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function loaded(ids: string[]): State {
  const msg = { type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells: ids.map(cs), kernel: { state: "idle" }, config: {} };
  return applyServer(initialState(), msg as ServerMessage);
}

const out = (id: string, text: string) => ({ type: "cell_output", id, output: { kind: "stream", name: "stdout", text } });
const status = (id: string, s: string, seconds?: number) => ({ type: "cell_status", id, status: s, ...(seconds !== undefined ? { seconds } : {}) });

const EVENTS = [
  status("a", "running"),
  { type: "cell_clear", id: "a" },
  out("a", "one\n"),
  out("a", "two\n"),
  status("a", "idle", 0.25),
  { type: "graph", cells: { a: { defs: ["a"], refs: [], parents: [], children: ["b"] }, b: { defs: ["b"], refs: ["a"], parents: ["a"], children: [] } } },
  status("b", "running"),
  { type: "cell_clear", id: "b" },
  out("b", "three\n"),
  status("b", "error", 1.5),
  status("c", "queued"),
] as ServerMessage[];

describe("a batch", () => {
  it("ends where its events applied one by one end", () => {
    const start = loaded(["a", "b", "c"]);
    const batched = applyServer(start, { type: "batch", events: EVENTS } as ServerMessage);
    const single = EVENTS.reduce(applyServer, start);
    expect(batched.cells).toEqual(single.cells);
    expect(batched.cells.a.outputs).toHaveLength(1); // the two writes joined, as one by one
    expect(batched.cells.b.status).toBe("error");
    expect(batched.cells.c.status).toBe("queued");
  });

  it("never changes the state it started from", () => {
    const start = loaded(["a", "b", "c"]);
    const before = JSON.stringify(start.cells);
    const cellsBefore = start.cells;
    applyServer(start, { type: "batch", events: EVENTS } as ServerMessage);
    expect(start.cells).toBe(cellsBefore);
    expect(JSON.stringify(start.cells)).toBe(before);
  });

  it("leaves a map that the next event copies, not changes", () => {
    const start = loaded(["a", "b"]);
    const s1 = applyServer(start, { type: "batch", events: EVENTS.slice(0, 5) } as ServerMessage);
    const snapshot = s1.cells;
    const aBefore = s1.cells.a;
    const s2 = applyServer(s1, out("a", "later\n") as ServerMessage);
    expect(s1.cells).toBe(snapshot);
    expect(s1.cells.a).toBe(aBefore);
    expect(s2.cells.a).not.toBe(aBefore);
    const s3 = applyServer(s2, { type: "batch", events: [out("b", "x\n")] } as ServerMessage);
    expect(s2.cells.b.outputs).toEqual([]);
    expect(s3.cells.b.outputs).toHaveLength(1);
  });

  it("that changes nothing gives back the very same state", () => {
    const start = loaded(["a"]);
    const s1 = applyServer(start, { type: "batch", events: [status("a", "idle"), { type: "cell_status", id: "nope", status: "running" }] } as ServerMessage);
    expect(s1).toBe(start);
  });
});
