import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState, type State } from "../src/store";

function cs(id: string, extra: Partial<CellState> = {}): CellState {
  return { id, kind: "code", code: `x${id} = 1`, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra };
}

function loaded(cells: CellState[]): State {
  const msg = { type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells, kernel: { state: "idle" }, config: {} };
  return applyServer(initialState(), msg as ServerMessage);
}

const rerun = (id: string, seconds: number, outputs: unknown[] = []): ServerMessage[] =>
  [
    { type: "cell_status", id, status: "running" },
    { type: "cell_clear", id },
    ...outputs.map((output) => ({ type: "cell_output", id, output })),
    { type: "cell_status", id, status: "idle", seconds },
  ] as ServerMessage[];

describe("a batch keeps the objects of cells that show the same", () => {
  it("a re-run with no output and the same shown run time leaves the cell as it was", () => {
    const s0 = applyServer(loaded([cs("a"), cs("b")]), { type: "batch", events: [...rerun("a", 0.0012), ...rerun("b", 0.0031)] } as ServerMessage);
    const s1 = applyServer(s0, { type: "batch", events: [...rerun("a", 0.0009), ...rerun("b", 0.0042)] } as ServerMessage);
    expect(s1.cells.a).toBe(s0.cells.a);
    expect(s1.cells).toBe(s0.cells); // nothing shown changed: the cell map itself is kept
  });

  it("a cell whose output, status or shown run time changed gets a new object; the others keep theirs", () => {
    const out = (t: string) => ({ kind: "data", data: { "text/plain": t } });
    const s0 = applyServer(loaded([cs("a"), cs("b"), cs("c")]), { type: "batch", events: [...rerun("a", 0.001), ...rerun("b", 0.001, [out("1")]), ...rerun("c", 0.001)] } as ServerMessage);
    const s1 = applyServer(s0, { type: "batch", events: [...rerun("a", 0.001), ...rerun("b", 0.001, [out("2")]), ...rerun("c", 0.5)] } as ServerMessage);
    expect(s1.cells.a).toBe(s0.cells.a);
    expect(s1.cells.b).not.toBe(s0.cells.b);
    expect(s1.cells.b.outputs).toEqual([out("2")]);
    expect(s1.cells.c.run_seconds).toBe(0.5);
  });

  it("a cell left running (the batch ended mid-run) is not the idle cell it was", () => {
    const s0 = loaded([cs("a")]);
    const s1 = applyServer(s0, { type: "batch", events: [{ type: "cell_status", id: "a", status: "running" }] } as ServerMessage);
    expect(s1.cells.a.status).toBe("running");
    expect(s1.cells.a).not.toBe(s0.cells.a);
  });
});
