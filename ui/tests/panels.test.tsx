// @vitest-environment jsdom
// Typing in one cell with the variables panel open re-renders the links to that cell only, not
// the whole list (a 2,000-cell notebook has 2,000 variables: typing re-rendered them all).
import { describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { Store } from "../src/storeHub";
import { applyServer, initialState } from "../src/store";
import { PROTOCOL_VERSION, type CellState } from "../src/protocol";
import type { Controller } from "../src/controller";
import { UiContext, type Ui } from "../src/view/context";
import { SidePanel } from "../src/view/panels";

function cs(id: string, code: string, defs: string[]): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs, refs: [], parents: [], children: [], errors: [] };
}

function setUp(n: number) {
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  let s = applyServer(initialState(), {
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto",
    read_only: false, cells: ids.map((id, i) => cs(id, `v${i} = ${i}`, [`v${i}`])), kernel: { state: "idle" }, config: {}, doc_version: 1,
  });
  s = applyServer(s, {
    type: "variables",
    items: ids.map((id, i) => ({ name: `v${i}`, type: "int", preview: `${i}`, defined_by: id, used_by: [ids[(i + 1) % n]] })),
  });
  const store = new Store(s, (f) => f()); // notify at once: no animation frames in the test
  const labelled: string[] = [];
  const ui: Ui = {
    controller: { store } as unknown as Controller, // the panel reads only the store
    goto: () => {},
    label: (id) => {
      labelled.push(id);
      return `cell ${store.get().order.indexOf(id) + 1}`;
    },
    humanize: (t) => t,
  };
  const host = document.createElement("div");
  // as the App does: the panel gets the whole state on every store change
  const draw = () => render(h(UiContext.Provider, { value: ui }, h(SidePanel, { state: store.get(), tab: "variables", setTab: () => {} })), host);
  store.subscribe(draw);
  act(draw);
  return { store, labelled, host };
}

describe("variables panel", () => {
  it("re-renders only the links to the edited cell when its code changes", () => {
    const { store, labelled, host } = setUp(50);
    expect(labelled.length).toBe(100); // each variable: its cell and one user
    labelled.length = 0;
    act(() => {
      store.local({ type: "edit_code", id: "c7", code: "v7 = 7  # typed" });
      store.flushNow();
    });
    expect(labelled.every((id) => id === "c7")).toBe(true);
    expect(labelled.length).toBeLessThanOrEqual(2); // v7's "in cell 8" and v6's "used by cell 8"
    // the link's title follows its cell (the summary: defs, else the first line)
    act(() => store.server({ type: "graph", cells: { c7: { defs: ["w7"], refs: [], parents: [], children: [], errors: [], inputs: {}, hints: [] } } } as never));
    const titles = [...host.querySelectorAll<HTMLAnchorElement>('a.cell-link[href="#cell-c7"]')].map((a) => a.title);
    expect(titles).toEqual(["w7", "w7"]);
  });

  it("re-labels every link when the cells' order changes", () => {
    const { store, labelled, host } = setUp(5);
    labelled.length = 0;
    act(() => {
      store.local({ type: "delete_cell", id: "c0" });
      store.flushNow();
    });
    expect(labelled.length).toBeGreaterThan(0);
    const v1 = [...host.querySelectorAll("li.var")].find((li) => li.querySelector(".v-name")?.textContent === "v1")!;
    expect(v1.querySelector("a.cell-link")!.textContent).toBe("cell 1");
  });
});

describe("variables list in chunks", () => {
  it("lists every variable once, sorted, in chunks of 50, and the filter still finds them", () => {
    const { host } = setUp(120);
    const chunks = [...host.querySelectorAll("ul.vars")];
    expect(chunks.map((ul) => ul.querySelectorAll("li.var").length)).toEqual([50, 50, 20]);
    const names = [...host.querySelectorAll("li.var .v-name")].map((e) => e.textContent);
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => `v${i}`).sort((a, b) => a.localeCompare(b)));
    const input = host.querySelector<HTMLInputElement>("input.filter")!;
    act(() => {
      input.value = "v11";
      input.dispatchEvent(new Event("input"));
    });
    expect([...host.querySelectorAll("li.var .v-name")].map((e) => e.textContent)).toEqual(["v11", "v110", "v111", "v112", "v113", "v114", "v115", "v116", "v117", "v118", "v119"]);
    expect(host.querySelectorAll("ul.vars").length).toBe(1);
  });
});
