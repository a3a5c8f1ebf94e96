// @vitest-environment jsdom
// Completions merge the kernel's matches with the language server's. The server's answer joins the
// list when it comes within a short wait; a later one is kept and the list asked for again, however
// its timing falls against the kernel's reply (CI found the list lost when the kernel answered last).
import { currentCompletions } from "@codemirror/autocomplete";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEditor, type CellEditor, type EditorHooks } from "../src/editor";

const noRect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) } as DOMRect;
Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => noRect;

type Deferred<T> = { promise: Promise<T>; resolve(v: T): void };
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type KernelReply = { matches: string[]; from: number; to: number } | null;
type LspItems = { label: string; type: string }[];

/** An editor whose first kernel answer and every language-server answer the test hands out, in the order it likes. */
function editorWithAnswers(holdEveryKernelAnswer = false) {
  const kernel: Deferred<KernelReply>[] = [];
  const lsp: Deferred<LspItems>[] = [];
  const hooks: EditorHooks = {
    onChange: () => {},
    onRun: () => {},
    onEscape: () => {},
    onFocus: () => {},
    onSave: () => {},
    onLeave: () => false,
    complete: () => {
      const d = deferred<KernelReply>();
      kernel.push(d);
      return kernel.length > 1 && !holdEveryKernelAnswer ? Promise.resolve(null) : d.promise; // the first query's is held
    },
    inspect: async () => null,
    lspComplete: () => {
      const d = deferred<LspItems>();
      lsp.push(d);
      return d.promise;
    },
  };
  const runs: string[] = [];
  hooks.onRun = (mode) => runs.push(mode);
  const parent = document.createElement("div");
  document.body.appendChild(parent);
  const editor = createEditor(parent, "x = 0\n", "code", hooks);
  return { editor, kernel, lsp, runs };
}

/** A key pressed in the editor, as the browser would deliver it (CodeMirror's keymaps listen for keydown). */
function press(editor: CellEditor, key: string, mods: { shiftKey?: boolean; ctrlKey?: boolean } = {}): void {
  editor.view.contentDOM.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...mods }));
}

function type(editor: CellEditor, text: string): void {
  const at = editor.view.state.doc.length;
  editor.view.dispatch({ changes: { from: at, insert: text }, selection: { anchor: at + text.length }, userEvent: "input.type" });
}

const labels = (editor: CellEditor) => currentCompletions(editor.view.state).map((c) => c.label);

// every test: fake timers, and the editor it made destroyed after it
let editor: CellEditor | null = null;
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  editor?.destroy();
  editor = null;
  vi.useRealTimers();
});

describe("completions from a slow language server", () => {
  it("shows the server's late items when the kernel answers after them", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "never_ran");
    await vi.advanceTimersByTimeAsync(200); // typing delay: the query starts, asking both
    expect(t.kernel).toHaveLength(1);
    expect(t.lsp).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600); // past the wait for the server
    t.lsp[0].resolve([{ label: "never_ran_value", type: "variable" }]); // the server, late
    await vi.advanceTimersByTimeAsync(50);
    t.kernel[0].resolve(null); // the kernel, later still, knows nothing
    await vi.advanceTimersByTimeAsync(300);
    expect(labels(editor)).toContain("never_ran_value");
  });

  it("shows the server's late items when the kernel answered first", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "never_ran");
    await vi.advanceTimersByTimeAsync(200);
    t.kernel[0].resolve(null);
    await vi.advanceTimersByTimeAsync(600);
    expect(labels(editor)).toEqual([]);
    t.lsp[0].resolve([{ label: "never_ran_value", type: "variable" }]);
    await vi.advanceTimersByTimeAsync(300);
    expect(labels(editor)).toContain("never_ran_value");
  });

  it("merges an answer in time with the kernel's, the kernel's first and each name once", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "ran_v");
    await vi.advanceTimersByTimeAsync(200);
    t.lsp[0].resolve([
      { label: "ran_value", type: "variable" },
      { label: "ran_various", type: "function" },
    ]);
    t.kernel[0].resolve({ matches: ["ran_value"], from: 6, to: 11 });
    await vi.advanceTimersByTimeAsync(300);
    expect(labels(editor)).toEqual(["ran_value", "ran_various"]);
  });

  it("drops a late answer once the text moved on", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "nev");
    await vi.advanceTimersByTimeAsync(200);
    t.kernel[0].resolve(null);
    await vi.advanceTimersByTimeAsync(600);
    type(editor, "er_x"); // a new query for the new text
    await vi.advanceTimersByTimeAsync(200);
    t.lsp[0].resolve([{ label: "never_ran_value", type: "variable" }]); // the answer for "nev"
    await vi.advanceTimersByTimeAsync(300);
    expect(labels(editor)).not.toContain("never_ran_value");
    expect(t.kernel).toHaveLength(2);
  });
});

describe("an answer for text no longer there", () => {
  it("is dropped, and the word typed in its place asks again (deleted, then retyped while the kernel was asked)", async () => {
    const t = editorWithAnswers(true);
    editor = t.editor;
    type(editor, "ran_v");
    await vi.advanceTimersByTimeAsync(200);
    t.kernel[0].resolve({ matches: ["ran_value"], from: 6, to: 11 });
    await vi.advanceTimersByTimeAsync(600); // shown without the server's items, which come late
    t.lsp[0].resolve([{ label: "ran_value", type: "variable" }]);
    await vi.advanceTimersByTimeAsync(200); // the list asked for again with them: the kernel is asked
    expect(t.kernel).toHaveLength(2);
    const end = editor.view.state.doc.length;
    editor.view.dispatch({ changes: { from: end - 5, to: end }, selection: { anchor: end - 5 }, userEvent: "delete.backward" });
    type(editor, "never_ran"); // while that ask is out
    t.kernel[1].resolve({ matches: ["ran_value"], from: 6, to: 11 }); // its answer: for `ran_v`
    await vi.advanceTimersByTimeAsync(300);
    expect(t.lsp).toHaveLength(2); // `never_ran` asked for
    t.lsp[1].resolve([{ label: "never_ran_value", type: "variable" }]);
    t.kernel[2].resolve(null);
    await vi.advanceTimersByTimeAsync(300);
    expect(labels(editor)).toContain("never_ran_value");
  });
});

describe("a run asked for the text typed", () => {
  it("sends no completion request for it: Shift-Enter right after typing", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "total = never_ran");
    press(editor, "Enter", { shiftKey: true }); // before CodeMirror's typing delay is over
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.runs).toEqual(["next"]);
    expect(t.kernel).toHaveLength(0); // the list would be for a cell already running: not asked for
    expect(t.lsp).toHaveLength(0);
  });

  it("sends none after Ctrl-Enter either, and asks again once the text changes", async () => {
    const t = editorWithAnswers();
    editor = t.editor;
    type(editor, "never_ran");
    press(editor, "Enter", { ctrlKey: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.runs).toEqual(["in-place"]);
    expect(t.kernel).toHaveLength(0);
    type(editor, "_val");
    await vi.advanceTimersByTimeAsync(200);
    expect(t.kernel).toHaveLength(1); // new text: completions as usual
  });
});
