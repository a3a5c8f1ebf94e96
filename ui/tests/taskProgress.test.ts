import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState, type State } from "../src/store";

// reflow.cluster: a running cell's Dask tasks (`cell_progress`) show beside its running status.
function cell(id: string, status: CellState["status"]): CellState {
  return { id, kind: "code", code: "x", options: {}, status, outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function opened(status: CellState["status"]): State {
  const msg = { type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells: [cell("a", status)], kernel: { state: "busy" }, config: {} };
  return applyServer(initialState(), msg as ServerMessage);
}

const progress = (done: number, total: number): ServerMessage => ({ type: "cell_progress", id: "a", done, total });
const tasksOf = (s: State) => s.cells["a"]?.tasks;

describe("task progress of the running cell", () => {
  it("shows done of total while the cell runs and is dropped when the run ends", () => {
    let s = applyServer(opened("running"), progress(1, 3));
    expect(tasksOf(s)).toEqual({ done: 1, total: 3 });
    s = applyServer(s, progress(3, 3));
    expect(tasksOf(s)).toEqual({ done: 3, total: 3 });
    s = applyServer(s, { type: "cell_status", id: "a", status: "idle", seconds: 1.5 });
    expect(tasksOf(s)).toBeUndefined();
  });

  it("ignores progress for a cell that is not running, and counts that do not add up", () => {
    expect(tasksOf(applyServer(opened("idle"), progress(1, 3)))).toBeUndefined();
    const running = opened("running");
    expect(tasksOf(applyServer(running, progress(4, 3)))).toBeUndefined();
    expect(tasksOf(applyServer(running, progress(-1, 3)))).toBeUndefined();
    expect(tasksOf(applyServer(running, progress(1.5, 3)))).toBeUndefined();
  });
});
