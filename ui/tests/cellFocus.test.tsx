// @vitest-environment jsdom
// Command mode: the selected cell takes the keyboard, settled before the next key, and never from
// something typed into outside the cells (the command palette, the find bar, a dialog's field).
import { afterEach, describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { Controller } from "../src/controller";
import { PROTOCOL_VERSION, type CellState } from "../src/protocol";
import { Store } from "../src/storeHub";
import { CellView } from "../src/view/cell";
import { UiContext, type Ui } from "../src/view/context";

function cs(id: string): CellState {
  return { id, kind: "code", code: `${id} = 1`, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function setup(id: string) {
  const store = new Store(undefined, (f) => f());
  store.server({
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false,
    cells: [cs(id)], kernel: { state: "idle" }, config: {}, doc_version: 1,
  });
  const controller = new Controller(store, { send: () => {}, request: async () => null, close: () => {} });
  const ui: Ui = { controller, goto: () => {}, label: () => "", humanize: (t) => t };
  const host = document.createElement("div");
  document.body.appendChild(host);
  const show = (selected: boolean) => {
    const props = { cell: store.get().cells[id], index: 0, selected, editing: false, readOnly: false, outputAbove: false, related: null, isLast: true };
    render(h(UiContext.Provider, { value: ui }, h(CellView, props)), host);
  };
  return { host, show };
}

/** A field outside the cells, as the command palette's is. */
function dialogField(): HTMLInputElement {
  const dialog = document.createElement("div");
  dialog.setAttribute("role", "dialog");
  const input = document.createElement("input");
  dialog.appendChild(input);
  document.body.appendChild(dialog);
  return input;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the selected cell and the keyboard", () => {
  it("takes the keyboard in the render that selects it, so a palette opened by the next key keeps it", () => {
    const { host, show } = setup("a");
    act(() => show(false));
    const palette = dialogField();
    act(() => {
      show(true); // Esc: the cell leaves edit mode...
      palette.focus(); // ...and Ctrl-Shift-P opens the palette before anything else runs
    });
    expect(document.activeElement).toBe(palette); // its effects did not take it back afterwards
    expect(host.querySelector(".cell")).not.toBeNull();
  });

  it("does not take the keyboard from a field outside the cells", () => {
    const { show } = setup("a");
    act(() => show(false));
    const field = dialogField();
    field.focus();
    act(() => show(true)); // selected meanwhile (a find step, a cell deleted elsewhere)
    expect(document.activeElement).toBe(field);
  });

  it("takes it from a button outside the cells (a click there leaves no typing behind)", () => {
    const { host, show } = setup("a");
    act(() => show(false));
    const button = document.createElement("button");
    document.body.appendChild(button);
    button.focus();
    act(() => show(true));
    expect(document.activeElement).toBe(host.querySelector(".cell"));
  });
});
