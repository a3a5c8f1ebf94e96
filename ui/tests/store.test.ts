import { describe, expect, it } from "vitest";
import { Controller } from "../src/controller";
import { PROTOCOL_VERSION, type CellChange, type CellState, type ClientMessage, type ServerMessage } from "../src/protocol";
import {
  ancestors,
  appendOutput,
  applyLocal,
  applyServer,
  applyTransaction,
  descendants,
  displayStatus,
  inDisplayOrder,
  initialState,
  TransactionError,
  type State,
} from "../src/store";
import { Store } from "../src/storeHub";

function cs(id: string, extra: Partial<CellState> = {}): CellState {
  return { id, kind: "code", code: `# ${id}`, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra };
}

function session(cells: CellState[], extra: Record<string, unknown> = {}): ServerMessage {
  return {
    type: "session",
    version: PROTOCOL_VERSION,
    session: "S1",
    path: "/tmp/nb.py",
    name: "nb.py",
    mode: "auto",
    read_only: false,
    cells,
    kernel: { state: "idle" },
    config: {},
    ...extra,
  } as ServerMessage;
}

function loaded(cells = [cs("a", { defs: ["x"], children: ["b"] }), cs("b", { refs: ["x"], parents: ["a"], children: ["c"] }), cs("c", { parents: ["b"] })]): State {
  return applyServer(initialState(), session(cells));
}

describe("session", () => {
  it("loads cells in order, kernel state, mode and selects the first cell", () => {
    const s = loaded();
    expect(s.order).toEqual(["a", "b", "c"]);
    expect(s.connection).toBe("open");
    expect(s.kernel.state).toBe("idle");
    expect(s.mode).toBe("auto");
    expect(s.selected).toBe("a");
    expect(s.name).toBe("nb.py");
    expect(s.cells.a.ranCode).toBe("# a");
  });
  it("accepts the kernel as a bare state string", () => {
    const s = applyServer(initialState(), session([], { kernel: "starting" }));
    expect(s.kernel).toEqual({ state: "starting" });
  });
  it("keeps where the kernel runs and the places used lately (Run on...)", () => {
    const s = applyServer(loaded(), { type: "place", place: "ssh:gpu-box", label: "on gpu-box", recent: ["ssh:gpu-box", "ssh:lab"] });
    expect(s.place).toEqual({ place: "ssh:gpu-box", label: "on gpu-box", recent: ["ssh:gpu-box", "ssh:lab"] });
    expect(initialState().place).toBeNull();
  });
  it("refuses an unknown protocol version with a clear message", () => {
    const s = applyServer(initialState(), session([cs("a")], { version: 99 }));
    expect(s.fatal).toMatch(/version 1/);
    expect(s.fatal).toMatch(/version 99/);
    expect(s.order).toEqual([]);
  });
  it("read_only leaves edit mode", () => {
    let s = loaded();
    s = applyLocal(s, { type: "select", id: "a", editing: true });
    s = applyServer(s, session([cs("a")], { read_only: true }));
    expect(s.readOnly).toBe(true);
    expect(s.editing).toBe(false);
    expect(applyLocal(s, { type: "set_editing", editing: true }).editing).toBe(false);
  });
  it("on reconnect keeps code the user typed but the server has not seen", () => {
    let s = loaded();
    s = applyLocal(s, { type: "edit_code", id: "a", code: "x = 2" });
    s = applyServer(s, session([cs("a", { code: "x = 1" }), cs("b")]));
    expect(s.cells.a.code).toBe("x = 2");
    expect(s.unsynced.a).toBe(true);
    // once synced, the server's code wins
    s = applyLocal(s, { type: "synced", ids: ["a"] });
    s = applyServer(s, session([cs("a", { code: "x = 3" })]));
    expect(s.cells.a.code).toBe("x = 3");
  });
  it("keeps the selection when the cell survives", () => {
    let s = loaded();
    s = applyLocal(s, { type: "select", id: "c" });
    s = applyServer(s, session([cs("a"), cs("c")]));
    expect(s.selected).toBe("c");
  });
});

describe("kernel", () => {
  it("sets state and message", () => {
    const s = applyServer(loaded(), { type: "kernel", state: "dead", message: "exit code 1" });
    expect(s.kernel).toEqual({ state: "dead", message: "exit code 1" });
    expect(applyServer(s, { type: "kernel", state: "idle" }).kernel).toEqual({ state: "idle" });
  });
});

describe("cell_status / cell_clear / cell_output", () => {
  it("updates one cell and leaves the others' objects alone", () => {
    const s0 = loaded();
    const s = applyServer(s0, { type: "cell_status", id: "b", status: "running" });
    expect(s.cells.b.status).toBe("running");
    expect(s.cells.a).toBe(s0.cells.a);
    expect(s.cells.c).toBe(s0.cells.c);
  });
  it("ignores unknown cells", () => {
    const s0 = loaded();
    expect(applyServer(s0, { type: "cell_status", id: "zz", status: "running" })).toBe(s0);
    expect(applyServer(s0, { type: "cell_output", id: "zz", output: { kind: "stream", name: "stdout", text: "x" } })).toBe(s0);
    expect(applyServer(s0, { type: "cell_clear", id: "zz" })).toBe(s0);
  });
  it("appends outputs and merges consecutive stream chunks", () => {
    let s = loaded();
    s = applyServer(s, { type: "cell_output", id: "a", output: { kind: "stream", name: "stdout", text: "1\n" } });
    s = applyServer(s, { type: "cell_output", id: "a", output: { kind: "stream", name: "stdout", text: "2\n" } });
    s = applyServer(s, { type: "cell_output", id: "a", output: { kind: "stream", name: "stderr", text: "w\n" } });
    s = applyServer(s, { type: "cell_output", id: "a", output: { kind: "data", data: { "text/plain": "3" } } });
    expect(s.cells.a.outputs).toEqual([
      { kind: "stream", name: "stdout", text: "1\n2\n" },
      { kind: "stream", name: "stderr", text: "w\n" },
      { kind: "data", data: { "text/plain": "3" } },
    ]);
  });
  it("clear drops outputs and records the code that runs", () => {
    let s = loaded();
    s = applyServer(s, { type: "cell_output", id: "a", output: { kind: "data", data: { "text/plain": "3" } } });
    s = applyLocal(s, { type: "edit_code", id: "a", code: "x = 5" });
    s = applyServer(s, { type: "cell_clear", id: "a" });
    expect(s.cells.a.outputs).toEqual([]);
    expect(s.cells.a.ranCode).toBe("x = 5");
  });
  it("error outputs are kept", () => {
    const s = applyServer(loaded(), {
      type: "cell_output",
      id: "b",
      output: { kind: "error", error: { kind: "exception", message: "boom", ename: "ValueError", cells: [] } },
    });
    expect(s.cells.b.outputs[0].kind).toBe("error");
  });
});

describe("appendOutput", () => {
  it("does not merge different streams", () => {
    const out = appendOutput([{ kind: "stream", name: "stdout", text: "a" }], { kind: "stream", name: "stderr", text: "b" });
    expect(out).toHaveLength(2);
  });
});

describe("graph", () => {
  it("replaces defs, refs, edges and static errors; records order validity", () => {
    const s = applyServer(loaded(), {
      type: "graph",
      cells: {
        a: { defs: ["x", "y"], refs: [], parents: [], children: ["c"], errors: [] },
        c: { defs: [], refs: ["x"], parents: ["a"], children: [], errors: [{ kind: "multiple-definition", message: "m", cells: ["b"] }] },
        ghost: { defs: [], refs: [], parents: [], children: [], errors: [] },
      },
      order_valid: false,
    });
    expect(s.cells.a.defs).toEqual(["x", "y"]);
    expect(s.cells.c.parents).toEqual(["a"]);
    expect(s.cells.c.errors[0].kind).toBe("multiple-definition");
    expect(s.cells.ghost).toBeUndefined();
    expect(s.orderValid).toBe(false);
  });
});

describe("cells", () => {
  it("replaces structure and keeps unchanged code's ranCode", () => {
    let s = loaded();
    s = applyServer(s, { type: "cells", cells: [cs("c", { parents: ["b"] }), cs("a"), cs("new")] });
    expect(s.order).toEqual(["c", "a", "new"]);
    expect(s.cells.b).toBeUndefined();
  });
  it("moves the selection to a neighbour when the selected cell vanished", () => {
    let s = loaded();
    s = applyLocal(s, { type: "select", id: "b" });
    s = applyServer(s, { type: "cells", cells: [cs("a"), cs("c")] });
    expect(s.selected).toBe("c");
  });
});

describe("variables, saved, notice, error, replies", () => {
  it("variables replace the list", () => {
    const items = [{ name: "x", type: "int", preview: "1", defined_by: "a", used_by: ["b"] }];
    expect(applyServer(loaded(), { type: "variables", items }).variables).toEqual(items);
  });
  it("saved records the time", () => {
    const s = applyServer(loaded(), { type: "saved", path: "/tmp/nb.py", mtime: 123 });
    expect(s.savedAt).toBe(123);
  });
  it("notice and error become notices, capped at five", () => {
    let s = loaded();
    s = applyServer(s, { type: "notice", level: "warning", text: "reloaded" });
    s = applyServer(s, { type: "error", text: "bad request" });
    expect(s.notices.map((n) => [n.level, n.text])).toEqual([
      ["warning", "reloaded"],
      ["error", "bad request"],
    ]);
    for (let i = 0; i < 10; i++) s = applyServer(s, { type: "notice", level: "info", text: `n${i}` });
    expect(s.notices).toHaveLength(5);
    expect(new Set(s.notices.map((n) => n.id)).size).toBe(5);
  });
  it("complete_reply and inspect_reply do not touch the state", () => {
    const s = loaded();
    expect(applyServer(s, { type: "complete_reply", request_id: "1", matches: [], cursor_start: 0, cursor_end: 0 })).toBe(s);
    expect(applyServer(s, { type: "inspect_reply", request_id: "1", found: false, text: "" })).toBe(s);
  });
});

describe("local actions", () => {
  it("create inserts at index and selects", () => {
    const s = applyLocal(loaded(), { type: "create_cell", id: "n", index: 1, kind: "markdown", code: "# hi" });
    expect(s.order).toEqual(["a", "n", "b", "c"]);
    expect(s.cells.n.kind).toBe("markdown");
    expect(s.selected).toBe("n");
  });
  it("delete offers undo; undo brings the cell back at its place with a new id", () => {
    let s = loaded();
    s = applyLocal(s, { type: "select", id: "b" });
    s = applyLocal(s, { type: "delete_cell", id: "b" });
    expect(s.order).toEqual(["a", "c"]);
    expect(s.selected).toBe("c");
    expect(s.notices.at(-1)?.undo).toBe(true);
    s = applyLocal(s, { type: "undo_delete", newId: "b2" });
    expect(s.order).toEqual(["a", "b2", "c"]);
    expect(s.cells.b2.code).toBe("# b");
    expect(s.deleted).toEqual([]);
    expect(s.notices.some((n) => n.undo)).toBe(false);
    // nothing more to undo
    expect(applyLocal(s, { type: "undo_delete", newId: "zz" })).toBe(s);
  });
  it("silent delete (kind change) offers no undo", () => {
    const s = applyLocal(loaded(), { type: "delete_cell", id: "b", silent: true });
    expect(s.deleted).toEqual([]);
    expect(s.notices).toEqual([]);
  });
  it("move clamps to the notebook", () => {
    let s = applyLocal(loaded(), { type: "move_cell", id: "a", index: 2 });
    expect(s.order).toEqual(["b", "c", "a"]);
    s = applyLocal(s, { type: "move_cell", id: "a", index: 99 });
    expect(s.order).toEqual(["b", "c", "a"]);
    s = applyLocal(s, { type: "move_cell", id: "a", index: -4 });
    expect(s.order).toEqual(["a", "b", "c"]);
  });
  it("edit marks unsynced and 'edited' until run", () => {
    let s = applyLocal(loaded(), { type: "edit_code", id: "a", code: "x = 9" });
    expect(s.unsynced.a).toBe(true);
    expect(displayStatus(s.cells.a)).toBe("edited");
    s = applyLocal(s, { type: "ran", ids: ["a"] });
    expect(s.unsynced.a).toBeUndefined();
    expect(displayStatus(s.cells.a)).toBe("idle");
  });
  it("options merge; disabled shows as disabled", () => {
    const s = applyLocal(loaded(), { type: "set_options", id: "a", options: { disabled: true } });
    expect(s.cells.a.options).toEqual({ disabled: true });
    expect(displayStatus(s.cells.a)).toBe("disabled");
  });
  it("select ignores unknown ids and leaves edit mode on another cell", () => {
    let s = applyLocal(loaded(), { type: "select", id: "a", editing: true });
    expect(s.editing).toBe(true);
    expect(applyLocal(s, { type: "select", id: "nope" })).toBe(s);
    s = applyLocal(s, { type: "select", id: "b" });
    expect(s.editing).toBe(false);
  });
});

describe("selectors", () => {
  it("ancestors and descendants are transitive, nearest first", () => {
    const s = loaded();
    expect(ancestors(s, "c")).toEqual(["b", "a"]);
    expect(descendants(s, "a")).toEqual(["b", "c"]);
    expect(inDisplayOrder(s, ["c", "a", "gone"])).toEqual(["a", "c"]);
  });
  it("survive cycles", () => {
    const s = loaded([cs("a", { parents: ["b"], children: ["b"] }), cs("b", { parents: ["a"], children: ["a"] })]);
    expect(ancestors(s, "a")).toEqual(["b"]);
    expect(descendants(s, "b")).toEqual(["a"]);
  });
});

import { errorMessageBody, humanizeCellIds } from "../src/store";
describe("server text", () => {
  it("names live cells by position and leaves others alone", () => {
    expect(humanizeCellIds("x is also defined by cell b7 and cell zz", ["a1", "b7"])).toBe("x is also defined by cell 2 and cell zz");
    expect(humanizeCellIds('File "<cell a1>", line 1', ["a1"])).toBe('File "<cell 1>", line 1');
    expect(humanizeCellIds("no cells here", [])).toBe("no cells here");
  });
  it("drops a repeated exception name", () => {
    expect(errorMessageBody("NameError: name 'a' is not defined", "NameError")).toBe("name 'a' is not defined");
    expect(errorMessageBody("boom", "ValueError")).toBe("boom");
  });
});

describe("external code revisions", () => {
  it("bump only when the server changes a cell's code", () => {
    let s = loaded();
    expect(s.cells.a.rev).toBe(0);
    s = applyLocal(s, { type: "edit_code", id: "a", code: "typed" });
    expect(s.cells.a.rev).toBe(0);
    s = applyLocal(s, { type: "synced", ids: ["a"] });
    // the server confirms the edit (its transaction comes back mine), then a reload replaces it
    s = applyServer(s, { type: "transaction_applied", version: 1, source: "ui", mine: true, changes: [{ op: "set_code", id: "a", code: "typed" }] });
    expect(s.inflight).toEqual({});
    s = applyServer(s, { type: "cells", cells: [cs("a", { code: "typed" })] });
    expect(s.cells.a.rev).toBe(0);
    s = applyServer(s, { type: "cells", cells: [cs("a", { code: "reloaded from disk" })] });
    expect(s.cells.a.rev).toBe(1);
    expect(s.cells.a.code).toBe("reloaded from disk");
  });
});

describe("transactions (the mirror of reflow.notebook.document)", () => {
  it("applies every change kind; set_kind keeps the cell object's outputs and id", () => {
    const base = applyServer(loaded(), { type: "cell_output", id: "b", output: { kind: "stream", name: "stdout", text: "hi" } } as ServerMessage);
    const s = applyTransaction(base, {
      source: "ui",
      changes: [
        { op: "create", id: "n", index: 1, kind: "markdown", code: "# t", options: { hide_code: true } },
        { op: "move", id: "a", index: 3 },
        { op: "set_code", id: "c", code: "z = 3" },
        { op: "set_kind", id: "b", kind: "markdown" },
        { op: "set_options", id: "n", options: { hide_code: null, title: "T" } },
        { op: "delete", id: "c" },
      ],
    });
    expect(s.order).toEqual(["n", "b", "a"]);
    expect(s.cells.n.options).toEqual({ title: "T" });
    expect(s.cells.b.kind).toBe("markdown");
    expect(s.cells.b.outputs).toEqual([{ kind: "stream", name: "stdout", text: "hi" }]);
    expect(s.cells.c).toBeUndefined();
    expect(s.cells.a).toBe(base.cells.a); // untouched cells keep their objects
  });
  it("a bad change throws and leaves the state as it was (all or nothing)", () => {
    const s = loaded();
    const copy = JSON.stringify(s);
    for (const bad of [
      { op: "move", id: "a", index: 3 },
      { op: "move", id: "a", index: "1" },
      { op: "delete", id: "zz" },
      { op: "create", id: "b", index: 0 },
      { op: "set_kind", id: "a", kind: "sql" },
    ]) {
      expect(() => applyTransaction(s, { source: "ui", changes: [{ op: "set_code", id: "a", code: "edited" }, bad as CellChange] })).toThrow(TransactionError);
      expect(JSON.stringify(s)).toBe(copy);
    }
  });
  it("random transactions keep ids unique and the order a permutation of the cells", () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ids = ["a", "b", "c", "d", "e", "f"];
    const ops = ["create", "delete", "move", "set_code", "set_kind", "set_options"] as const;
    let s = loaded();
    let applied = 0;
    for (let i = 0; i < 2000; i++) {
      const changes = Array.from({ length: 1 + rand(3) }, () => {
        const op = ops[rand(ops.length)];
        const id = ids[rand(ids.length)];
        const index = rand(8) - 1;
        if (op === "create") return { op, id, index, kind: rand(2) ? "code" : "markdown", code: "" } as CellChange;
        if (op === "move") return { op, id, index } as CellChange;
        if (op === "set_code") return { op, id, code: `v${i}` } as CellChange;
        if (op === "set_kind") return { op, id, kind: rand(2) ? "code" : "markdown" } as CellChange;
        if (op === "set_options") return { op, id, options: { hide_code: rand(2) ? true : null } } as CellChange;
        return { op, id } as CellChange;
      });
      const before = s;
      try {
        s = applyTransaction(s, { source: "ui", changes });
        applied++;
      } catch (e) {
        expect(e).toBeInstanceOf(TransactionError);
        expect(s).toBe(before);
      }
      expect(new Set(s.order).size).toBe(s.order.length);
      expect([...s.order].sort()).toEqual(Object.keys(s.cells).sort());
    }
    expect(applied).toBeGreaterThan(100); // the walk really changed the notebook
  });
});

describe("transactions applied on the server (transaction_applied)", () => {
  const at = (version: number, cells = [cs("a"), cs("b"), cs("c")]) => applyServer(initialState(), session(cells, { doc_version: version }));
  const applied = (version: number, changes: CellChange[], mine = false): ServerMessage => ({
    type: "transaction_applied",
    version,
    source: "ui",
    changes,
    ...(mine ? { mine: true } : {}),
  });

  it("another page's changes go through the same reducer as this page's, version by version", () => {
    let s = at(7);
    expect(s.docVersion).toBe(7);
    const b = s.cells.b;
    s = applyServer(s, applied(8, [{ op: "create", id: "n", index: 1, kind: "markdown", code: "# new" }]));
    s = applyServer(s, applied(9, [{ op: "move", id: "c", index: 0 }]));
    s = applyServer(s, applied(10, [{ op: "set_kind", id: "a", kind: "markdown" }, { op: "set_options", id: "a", options: { hide_code: true } }]));
    s = applyServer(s, applied(11, [{ op: "set_code", id: "n", code: "# newer" }]));
    expect(s.order).toEqual(["c", "a", "n", "b"]);
    expect(s.cells.n).toMatchObject({ kind: "markdown", code: "# newer", rev: 1 });
    expect(s.cells.a).toMatchObject({ kind: "markdown", options: { hide_code: true } });
    expect(s.cells.b).toBe(b); // untouched cells keep their objects
    expect(s.docVersion).toBe(11);
    // the same changes made here give the same cells
    let local = at(7);
    for (const changes of [
      [{ op: "create", id: "n", index: 1, kind: "markdown", code: "# new" }],
      [{ op: "move", id: "c", index: 0 }],
      [{ op: "set_kind", id: "a", kind: "markdown" }, { op: "set_options", id: "a", options: { hide_code: true } }],
      [{ op: "set_code", id: "n", code: "# newer" }],
    ] as CellChange[][])
      local = applyLocal(local, { type: "transaction", tx: { source: "ui", changes } });
    expect(local.order).toEqual(s.order);
    expect(local.cells).toEqual(s.cells);
  });

  it("this page's own transaction comes back mine: no second cell, the version moves on", () => {
    let s = at(3);
    s = applyLocal(s, { type: "create_cell", id: "n", index: 0, kind: "code", code: "z = 1" });
    s = applyLocal(s, { type: "delete_cell", id: "b" });
    const before = s;
    s = applyServer(s, applied(4, [{ op: "create", id: "n", index: 0, kind: "code", code: "z = 1", options: {} }], true));
    s = applyServer(s, applied(5, [{ op: "delete", id: "b" }], true));
    expect(s.order).toEqual(before.order);
    expect(s.cells.n).toBe(before.cells.n);
    expect(s.docVersion).toBe(5);
    expect(s.resync).toBe(false);
  });

  it("a version gap asks for the cells again and ignores what comes until they arrive", () => {
    let s = at(3);
    const before = s;
    s = applyServer(s, applied(5, [{ op: "delete", id: "a" }])); // 4 went missing
    expect(s.resync).toBe(true);
    expect(s.order).toEqual(before.order);
    expect(s.docVersion).toBe(3);
    s = applyServer(s, applied(6, [{ op: "delete", id: "b" }]));
    expect(s.order).toEqual(["a", "b", "c"]);
    s = applyServer(s, { type: "cells", cells: [cs("c"), cs("x")], doc_version: 6 });
    expect(s).toMatchObject({ resync: false, docVersion: 6, order: ["c", "x"] });
    s = applyServer(s, applied(7, [{ op: "move", id: "x", index: 0 }]));
    expect(s.order).toEqual(["x", "c"]);
    // a message seen already changes nothing
    expect(applyServer(s, applied(7, [{ op: "delete", id: "x" }]))).toBe(s);
  });

  it("a change that does not fit the page's cells asks for the cells again", () => {
    const s = applyServer(at(1), applied(2, [{ op: "create", id: "n", index: 0 }, { op: "delete", id: "gone" }]));
    expect(s.resync).toBe(true);
    expect(s.order).toEqual(["a", "b", "c"]); // all or nothing
  });

  it("the store hub asks once per gap, through the controller's transport", () => {
    const store = new Store(at(1), () => {});
    const sent: ClientMessage[] = [];
    new Controller(store, { send: (m) => sent.push(m), request: async () => null, close: () => {} });
    store.server(applied(3, [{ op: "delete", id: "a" }]));
    store.server(applied(4, [{ op: "delete", id: "b" }]));
    expect(sent).toEqual([{ type: "resync" }]);
    store.server({ type: "cells", cells: [cs("c")], doc_version: 4 });
    store.server(applied(6, []));
    expect(sent).toEqual([{ type: "resync" }, { type: "resync" }]);
  });

  it("a deleted selected cell hands the selection to its neighbour", () => {
    let s = applyLocal(at(1), { type: "select", id: "b", editing: true });
    s = applyServer(s, applied(2, [{ op: "delete", id: "b" }]));
    expect(s.selected).toBe("c");
    expect(s.editing).toBe(false);
  });

  it("code typed here and not confirmed wins over another page's code; confirmed code does not", () => {
    let s = at(1);
    s = applyLocal(s, { type: "edit_code", id: "a", code: "mine = 1" });
    s = applyServer(s, applied(2, [{ op: "set_code", id: "a", code: "theirs = 1" }]));
    expect(s.cells.a).toMatchObject({ code: "mine = 1", rev: 0 }); // unsynced: it reaches the server after theirs
    s = applyLocal(s, { type: "synced", ids: ["a"] }); // sent: in flight
    expect(s.inflight).toEqual({ a: "mine = 1" });
    s = applyServer(s, applied(3, [{ op: "set_code", id: "a", code: "theirs = 2" }]));
    expect(s.cells.a.code).toBe("mine = 1"); // still in flight: the server applies it after theirs
    s = applyServer(s, applied(4, [{ op: "set_code", id: "a", code: "mine = 1" }], true));
    expect(s.inflight).toEqual({});
    expect(s.cells.a).toMatchObject({ code: "mine = 1", rev: 0 });
    s = applyServer(s, applied(5, [{ op: "set_code", id: "a", code: "theirs = 3" }]));
    expect(s.cells.a).toMatchObject({ code: "theirs = 3", rev: 1 }); // nothing of ours pending: theirs shows
    // code the server holds already is not in flight (nothing would come back)
    s = applyLocal(s, { type: "edit_code", id: "a", code: "theirs = 3" });
    s = applyLocal(applyLocal(s, { type: "edit_code", id: "b", code: "# b" }), { type: "synced", ids: ["a", "b"] });
    expect(s.inflight).toEqual({});
  });
});
