// `?demo`: a fake in-page server with a sample notebook, for working on the UI
// without a kernel. Loaded only when asked for (a separate chunk).

import type { Transport } from "./connection";
import { PROTOCOL_VERSION, type CellHistoryMsg, type CellState, type ClientMessage, type CompleteReplyMsg, type InspectReplyMsg, type LspReplyMsg, type ServerMessage } from "./protocol";
import type { Store } from "./storeHub";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="120" viewBox="0 0 360 120"><rect width="360" height="120" fill="#f6f8ff"/><polyline fill="none" stroke="#4f6bed" stroke-width="2.5" points="10,100 50,80 90,85 130,50 170,60 210,30 250,40 290,20 330,25"/></svg>`;

function cell(id: string, code: string, extra: Partial<CellState> = {}): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra };
}

function sample(): CellState[] {
  return [
    cell("m1", "# Sales report\n\nA **reactive** notebook: change `threshold` and every cell that reads it runs again.", { kind: "markdown" }),
    cell("c1", "import pandas as pd\nimport numpy as np", { defs: ["pd", "np"], children: ["c2", "c3"] }),
    cell("c2", "threshold = 50\nsales = pd.DataFrame({\"region\": [\"north\", \"south\", \"east\"], \"amount\": [120, 40, 75]})\nsales", {
      defs: ["threshold", "sales"],
      refs: ["pd"],
      parents: ["c1"],
      children: ["c3", "c4"],
      outputs: [
        {
          kind: "data",
          data: {
            "text/plain": "  region  amount\n0  north     120\n1  south      40\n2   east      75",
            "text/html":
              '<table class="dataframe"><thead><tr><th></th><th>region</th><th>amount</th></tr></thead><tbody><tr><th>0</th><td>north</td><td>120</td></tr><tr><th>1</th><td>south</td><td>40</td></tr><tr><th>2</th><td>east</td><td>75</td></tr></tbody></table>',
          },
        },
      ],
    }),
    cell("c3", "big = sales[sales.amount > threshold]\nprint(f\"{len(big)} regions above {threshold}\")\nbig.amount.to_dict()", {
      defs: ["big"],
      refs: ["sales", "threshold"],
      parents: ["c2"],
      children: ["c5"],
      outputs: [
        { kind: "stream", name: "stdout", text: "2 regions above 50\n" },
        { kind: "data", data: { "application/json": { north: 120, east: 75, meta: { currency: "EUR", tags: ["q1", "q2"] } }, "text/plain": "{'north': 120, 'east': 75}" } },
      ],
    }),
    cell("c4", "trend = np.cumsum(sales.amount)\nplot(trend)", {
      defs: ["trend"],
      refs: ["np", "sales", "plot"],
      parents: ["c2"],
      outputs: [{ kind: "data", data: { "image/svg+xml": svg, "text/plain": "<Figure>" } }],
    }),
    cell("c5", "ratio = big.amount.sum() / 0", {
      refs: ["big"],
      parents: ["c3"],
      children: ["c6"],
      status: "error",
      outputs: [
        {
          kind: "error",
          error: {
            kind: "exception",
            ename: "ZeroDivisionError",
            message: "division by zero",
            traceback:
              "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m\n\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)\nCell \x1b[0;32mIn[5], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m ratio \x1b[38;5;241m=\x1b[39m big\x1b[38;5;241m.\x1b[39mamount\x1b[38;5;241m.\x1b[39msum() \x1b[38;5;241m/\x1b[39m \x1b[38;5;241m0\x1b[39m\n\n\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
            cells: [],
          },
        },
      ],
    }),
    cell("c6", "print(ratio)", {
      refs: ["ratio"],
      parents: ["c5"],
      status: "ancestor-error",
      outputs: [{ kind: "error", error: { kind: "ancestor-error", message: "cell 6 failed, so this cell did not run", cells: ["c5"] } }],
    }),
    cell("c7", "threshold = 10", {
      defs: ["threshold"],
      status: "error",
      errors: [{ kind: "multiple-definition", message: "'threshold' is also defined by cell 3", cells: ["c2"] }],
    }),
    cell("c8", "import time\nfor i in range(3):\n    time.sleep(1)", { status: "running", options: {} }),
    cell("c9", "summary = describe(sales)", { status: "stale", refs: ["sales"] }),
    cell("c10", "SECRET_THRESHOLD = 42", { options: { hide_code: true }, defs: ["SECRET_THRESHOLD"] }),
  ];
}

export class DemoTransport implements Transport {
  private cells = sample();
  constructor(private store: Store) {
    setTimeout(() => {
      this.emit({
        type: "session",
        version: PROTOCOL_VERSION,
        session: "demo",
        path: "/home/me/sales.py",
        name: "sales.py",
        mode: "auto",
        read_only: new URL(location.href).searchParams.has("ro"),
        cells: this.cells,
        kernel: { state: "busy" },
        config: {},
      });
      this.emit({
        type: "variables",
        items: [
          { name: "pd", type: "module", preview: "<module 'pandas'>", defined_by: "c1", used_by: ["c2"] },
          { name: "np", type: "module", preview: "<module 'numpy'>", defined_by: "c1", used_by: ["c4"] },
          { name: "threshold", type: "int", preview: "50", defined_by: "c2", used_by: ["c3"] },
          { name: "sales", type: "DataFrame", preview: "3 rows × 2 columns", defined_by: "c2", used_by: ["c3", "c4", "c9"] },
          { name: "big", type: "DataFrame", preview: "2 rows × 2 columns", defined_by: "c3", used_by: ["c5"] },
          { name: "trend", type: "Series", preview: "[120, 160, 235]", defined_by: "c4", used_by: [] },
        ],
      });
    }, 50);
  }
  private emit(m: ServerMessage) {
    this.store.server(m);
  }
  send(msg: ClientMessage): void {
    if (msg.type === "run") {
      for (const c of msg.cells) {
        this.emit({ type: "cell_status", id: c.id, status: "queued" });
      }
      let t = 100;
      for (const c of msg.cells) {
        setTimeout(() => {
          this.emit({ type: "cell_clear", id: c.id });
          this.emit({ type: "cell_status", id: c.id, status: "running" });
        }, t);
        t += 250;
        setTimeout(() => {
          this.emit({ type: "cell_output", id: c.id, output: { kind: "data", data: { "text/plain": `ran ${(c.code ?? "").split("\n")[0]}` } } });
          this.emit({ type: "cell_status", id: c.id, status: "idle" });
        }, t);
      }
    } else if (msg.type === "save") {
      this.emit({ type: "saved", path: "/home/me/sales.py", mtime: Date.now() / 1000 });
    } else if (msg.type === "restart") {
      this.emit({ type: "kernel", state: "restarting" });
      setTimeout(() => this.emit({ type: "kernel", state: "idle" }), 400);
    } else if (msg.type === "interrupt") {
      this.emit({ type: "cell_status", id: "c8", status: "interrupted" });
      this.emit({ type: "kernel", state: "idle" });
    }
  }
  async request<T extends CompleteReplyMsg | InspectReplyMsg | CellHistoryMsg | LspReplyMsg>(msg: ClientMessage & { request_id: string }): Promise<T | null> {
    if (msg.type === "complete") {
      const words = ["sales", "threshold", "summary", "print", "pd", "np", "sorted", "sum"];
      const before = msg.code.slice(0, msg.cursor).match(/\w*$/)![0];
      return { type: "complete_reply", request_id: msg.request_id, matches: words.filter((w) => w.startsWith(before)), cursor_start: msg.cursor - before.length, cursor_end: msg.cursor } as T;
    }
    if (msg.type === "inspect") {
      return { type: "inspect_reply", request_id: msg.request_id, found: true, text: "Signature: print(*args, sep=' ', end='\\n', file=None, flush=False)\nDocstring:\nPrints the values to a stream, or to sys.stdout by default." } as T;
    }
    return null;
  }
  close(): void {}
}
