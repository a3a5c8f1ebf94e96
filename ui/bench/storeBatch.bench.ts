// The store applying one kernel batch: a slider move on a 100-cell chain and on a 2,000-cell one
// (each cell cleared, running, idle again; the last one shows a new output). Measured, never asserted.
// Run: `npx vitest bench --run bench/storeBatch.bench.ts` in ui/.
import { bench, describe } from "vitest";
import { PROTOCOL_VERSION, type CellState, type ServerMessage } from "../src/protocol";
import { applyServer, initialState, type State } from "../src/store";

function cs(id: string): CellState {
  return { id, kind: "code", code: `${id} = 1`, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function opened(n: number): { state: State; move: ServerMessage } {
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const session: ServerMessage = {
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto",
    read_only: false, cells: ids.map(cs), kernel: { state: "idle" }, config: {}, doc_version: 1,
  };
  const events: ServerMessage[] = [];
  for (const id of ids) {
    events.push({ type: "cell_clear", id }, { type: "cell_status", id, status: "running" }, { type: "cell_status", id, status: "idle", seconds: 0.0001 });
  }
  events.push({ type: "cell_output", id: ids[n - 1], output: { kind: "data", data: { "text/plain": "'last=7'" } } });
  return { state: applyServer(initialState(), session), move: { type: "batch", events } as ServerMessage };
}

for (const n of [100, 2000]) {
  const { state, move } = opened(n);
  describe(`a slider move's batch, ${n} cells`, () => {
    bench("applyServer", () => {
      applyServer(state, move);
    });
  });
}
