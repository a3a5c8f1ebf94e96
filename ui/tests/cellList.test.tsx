// @vitest-environment jsdom
// Typing in one cell of a long notebook renders that cell only: each cell follows its own
// store entry (useCell), and the list's props keep their identity while only code changes.
import { describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { Store } from "../src/storeHub";
import { applyServer, initialState } from "../src/store";
import { PROTOCOL_VERSION, type CellState } from "../src/protocol";
import { useCell, useStableMap } from "../src/view/cellList";

function cs(id: string, code: string): CellState {
  return { id, kind: "code", code, options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] };
}

function storeWith(ids: string[]): Store {
  const s = applyServer(initialState(), {
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto",
    read_only: false, cells: ids.map((id) => cs(id, `${id} = 1`)), kernel: { state: "idle" }, config: {}, doc_version: 1,
  });
  return new Store(s, (f) => f()); // notify at once: no animation frames in the test
}

describe("useCell", () => {
  it("re-renders only the cell whose entry changed", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const store = storeWith(ids);
    const renders = new Map<string, number>();
    function Probe({ id }: { id: string }) {
      const cell = useCell(store, id);
      renders.set(id, (renders.get(id) ?? 0) + 1);
      return h("span", { "data-id": id }, cell?.code ?? "");
    }
    const host = document.createElement("div");
    act(() => render(h("div", null, ids.map((id) => h(Probe, { id, key: id }))), host));
    const before = new Map(renders);
    act(() => {
      store.local({ type: "edit_code", id: "c7", code: "c7 = 2" });
      store.flushNow(); // local actions notify in a microtask
    });
    const rerendered = ids.filter((id) => renders.get(id) !== before.get(id));
    expect(rerendered).toEqual(["c7"]);
    expect(host.querySelector('[data-id="c7"]')!.textContent).toBe("c7 = 2");
  });
});

describe("useStableMap", () => {
  it("keeps the first map while the entries are equal, takes a new one when they differ", () => {
    const seen: ReadonlyMap<string, string>[] = [];
    function Probe({ m }: { m: Map<string, string> }) {
      seen.push(useStableMap(m));
      return null;
    }
    const host = document.createElement("div");
    const a = new Map([["x", "ancestor"]]);
    act(() => render(h(Probe, { m: a }), host));
    act(() => render(h(Probe, { m: new Map([["x", "ancestor"]]) }), host));
    expect(seen[1]).toBe(a);
    const c = new Map([["x", "descendant"]]);
    act(() => render(h(Probe, { m: c }), host));
    expect(seen[2]).toBe(c);
  });
});

describe("graph messages", () => {
  it("keep the objects of cells whose graph info did not change", () => {
    const store = storeWith(["a", "b", "c"]);
    const info = (defs: string[]) => ({ defs, refs: [], parents: [], children: [], errors: [], inputs: {}, hints: [] });
    store.server({ type: "graph", cells: { a: info(["a"]), b: info(["b"]), c: info(["c"]) } } as never);
    const before = store.get().cells;
    store.server({ type: "graph", cells: { a: info(["a"]), b: info(["b", "b2"]), c: info(["c"]) } } as never);
    const after = store.get().cells;
    expect(after.a).toBe(before.a);
    expect(after.c).toBe(before.c);
    expect(after.b).not.toBe(before.b);
    expect(after.b.defs).toEqual(["b", "b2"]);
  });
});
