// @vitest-environment jsdom
// A cell paints its code as text before CodeMirror has loaded; the editor mounts when its chunk
// arrives (src/editorLoader.ts), focused if the cell is being edited, and later cells get theirs at once.
import { afterEach, describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { Controller } from "../src/controller";
import { loadedEditor, loadEditor, resetEditorLoader } from "../src/editorLoader";
import { PROTOCOL_VERSION, type CellState } from "../src/protocol";
import { Store } from "../src/storeHub";
import { CellView } from "../src/view/cell";
import { UiContext, type Ui } from "../src/view/context";

// jsdom lays nothing out: CodeMirror's measuring gets empty rectangles
const noRect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) } as DOMRect;
Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => noRect;

function cs(id: string, code: string): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function mount(id: string) {
  const store = new Store(undefined, (f) => f());
  store.server({
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false,
    cells: [cs(id, `${id} = 1`)], kernel: { state: "idle" }, config: {}, doc_version: 1,
  });
  const controller = new Controller(store, { send: () => {}, request: async () => null, close: () => {} });
  const ui: Ui = { controller, goto: () => {}, label: () => "", humanize: (t) => t };
  const host = document.createElement("div");
  document.body.appendChild(host);
  const props = { cell: store.get().cells[id], index: 0, selected: true, editing: true, readOnly: false, outputAbove: false, related: null, isLast: true };
  act(() => render(h(UiContext.Provider, { value: ui }, h(CellView, props)), host));
  return host;
}

afterEach(() => {
  document.body.innerHTML = "";
  resetEditorLoader();
});

describe("a cell's editor comes with the editor chunk", () => {
  it("shows the code as text first, then mounts the editor (focused: the cell is being edited)", async () => {
    expect(loadedEditor()).toBeNull();
    const host = mount("a");
    expect(host.querySelector("pre.code-static")?.textContent).toBe("a = 1");
    expect(host.querySelector(".cm-editor")).toBeNull();
    await act(async () => {
      await loadEditor();
    });
    expect(host.querySelector(".cm-editor .cm-content")?.textContent).toBe("a = 1");
    expect(host.querySelector("pre.code-static")).toBeNull();
    expect(document.activeElement?.closest(".cm-editor")).toBe(host.querySelector(".cm-editor"));
  });

  it("once loaded, a new cell's editor mounts in the same render", async () => {
    await loadEditor();
    const host = mount("b");
    expect(host.querySelector(".cm-editor .cm-content")?.textContent).toBe("b = 1");
  });
});
