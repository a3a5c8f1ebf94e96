// @vitest-environment jsdom
// The editor tells the user's typing from code that comes from elsewhere by transaction
// annotations: only typing goes back to the server as an `edit`.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Controller } from "../src/controller";
import { createEditor, type CellEditor } from "../src/editor";
import { PROTOCOL_VERSION, type CellState, type ClientMessage, type ServerMessage } from "../src/protocol";
import { Store } from "../src/storeHub";

// jsdom lays nothing out: CodeMirror's measuring gets empty rectangles
const noRect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) } as DOMRect;
Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => noRect;

function cs(id: string, code: string): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

const hello: ServerMessage = {
  type: "session",
  version: PROTOCOL_VERSION,
  session: "S",
  path: "/nb.py",
  name: "nb.py",
  mode: "auto",
  read_only: false,
  cells: [cs("a", "x = 1"), cs("b", "y = x")],
  kernel: { state: "idle" },
  config: {},
  doc_version: 4,
};

/** One page: a store, its controller (sending into `sent`) and cell a's editor wired as the cell view does. */
function page() {
  const store = new Store(undefined, (f) => f());
  const sent: ClientMessage[] = [];
  const ctl = new Controller(store, { send: (m) => sent.push(m), request: async () => null, close: () => {} });
  store.server(hello);
  const parent = document.createElement("div");
  document.body.appendChild(parent);
  const hooks = {
    onChange: vi.fn((code: string) => ctl.editCode("a", code)),
    onRun: () => {},
    onEscape: () => {},
    onFocus: () => {},
    onSave: () => {},
    onLeave: () => false,
    complete: async () => null,
    inspect: async () => null,
  };
  const editor = createEditor(parent, store.get().cells.a.code, "code", hooks);
  // the cell view: a new `rev` (code changed elsewhere) is given to the editor
  let rev = store.get().cells.a.rev;
  store.subscribe((s) => {
    if (s.cells.a && s.cells.a.rev !== rev) {
      rev = s.cells.a.rev;
      editor.setCode(s.cells.a.code);
    }
  });
  return { store, sent, editor, hooks };
}

function type(editor: CellEditor, at: number, text: string): void {
  editor.view.dispatch({ changes: { from: at, insert: text }, userEvent: "input.type" });
}

const edits = (sent: ClientMessage[]) => sent.filter((m) => m.type === "edit");

describe("editor: typing vs code from elsewhere", () => {
  let editors: CellEditor[] = [];
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const e of editors) e.destroy();
    editors = [];
    vi.useRealTimers();
  });

  it("code another page set is shown and not sent back; the user's typing is", async () => {
    const p = page();
    editors.push(p.editor);
    p.store.server({ type: "transaction_applied", version: 5, source: "ui", changes: [{ op: "set_code", id: "a", code: "x = 10" }] });
    await vi.runAllTimersAsync();
    expect(p.editor.view.state.doc.toString()).toBe("x = 10");
    expect(p.hooks.onChange).not.toHaveBeenCalled();
    expect(edits(p.sent)).toEqual([]);
    expect(p.store.get().unsynced).toEqual({});

    type(p.editor, 6, "0");
    expect(p.hooks.onChange).toHaveBeenCalledWith("x = 100");
    await vi.runAllTimersAsync(); // the edit debounce
    expect(edits(p.sent)).toEqual([{ type: "edit", id: "a", code: "x = 100" }]);
  });

  it("a change from elsewhere replaces only what differs: the cursor after it keeps its place", () => {
    const p = page();
    editors.push(p.editor);
    p.editor.view.dispatch({ selection: { anchor: 5 } }); // "x = |1"
    p.editor.setCode("xy = 1");
    expect(p.editor.view.state.selection.main.head).toBe(6);
    expect(p.hooks.onChange).not.toHaveBeenCalled();
  });

  it("undo of the user's own typing is the user's change too", async () => {
    const p = page();
    editors.push(p.editor);
    type(p.editor, 5, "2");
    const { undo } = await import("@codemirror/commands");
    undo(p.editor.view);
    expect(p.hooks.onChange.mock.calls.map((c) => c[0])).toEqual(["x = 12", "x = 1"]);
  });

  it("while the user's edit is unconfirmed, another page's code does not overwrite it", async () => {
    const p = page();
    editors.push(p.editor);
    type(p.editor, 5, "5"); // "x = 15", sent after the debounce: in flight
    await vi.runAllTimersAsync();
    expect(edits(p.sent)).toEqual([{ type: "edit", id: "a", code: "x = 15" }]);
    p.store.server({ type: "transaction_applied", version: 5, source: "ui", changes: [{ op: "set_code", id: "a", code: "x = 7" }] });
    expect(p.editor.view.state.doc.toString()).toBe("x = 15"); // ours reaches the server after theirs
    p.store.server({ type: "transaction_applied", version: 6, source: "ui", mine: true, changes: [{ op: "set_code", id: "a", code: "x = 15" }] });
    p.store.server({ type: "transaction_applied", version: 7, source: "file", changes: [{ op: "set_code", id: "a", code: "x = 8" }] });
    expect(p.editor.view.state.doc.toString()).toBe("x = 8");
    await vi.runAllTimersAsync();
    expect(edits(p.sent)).toHaveLength(1); // nothing echoed back
  });
});
