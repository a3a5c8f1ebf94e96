// @vitest-environment jsdom
// The pop-out page mode (ui/src/popout/): its address, its window size, and the page itself --
// one cell's output, live as the store changes, and a clear state once the cell is deleted.
import { describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { Store } from "../src/storeHub";
import { initialState } from "../src/store";
import { Controller } from "../src/controller";
import type { Transport } from "../src/connection";
import { PROTOCOL_VERSION, type CellState, type Output } from "../src/protocol";
import { popoutTarget, popoutTitle, popoutUrl } from "../src/popout/target";
import { windowSize } from "../src/popout/open";
import { PopoutApp } from "../src/popout/popoutView";
import { handleShellCommand } from "../src/shellCommands";

const text = (t: string): Output => ({ kind: "data", data: { "text/plain": t } });

function cs(id: string, outputs: Output[]): CellState {
  return { id, kind: "code", code: `${id} = 1`, options: {}, status: "idle", outputs, defs: [], refs: [], parents: [], children: [], errors: [] };
}

function page(cells: CellState[]) {
  const store = new Store(initialState(), (f) => f()); // notify at once: no animation frames in the test
  const sent: unknown[] = [];
  const transport: Transport = { send: (m) => void sent.push(m), request: async () => null, close: () => {} };
  const controller = new Controller(store, transport);
  const session = () =>
    store.server({
      type: "session", version: PROTOCOL_VERSION, session: "S", path: "/work/nb.py", name: "nb.py", mode: "auto",
      read_only: false, cells, kernel: { state: "idle" }, config: {}, doc_version: 1,
    });
  return { store, controller, session, sent };
}

describe("pop-out address", () => {
  it("names the cell and, optionally, one of its outputs", () => {
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=cell&cell=abc")).toEqual({ cell: "abc", output: null });
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=cell&cell=abc&output=2")).toEqual({ cell: "abc", output: 2 });
  });

  it("is the ordinary page without view=cell or a cell, and ignores an output that is not an index", () => {
    expect(popoutTarget("http://127.0.0.1:5/s/S?token=t")).toBeNull();
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=cell")).toBeNull();
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=other&cell=a")).toBeNull();
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=cell&cell=a&output=-1")).toEqual({ cell: "a", output: null });
    expect(popoutTarget("http://127.0.0.1:5/s/S?view=cell&cell=a&output=1e3")).toEqual({ cell: "a", output: null });
  });

  it("round-trips through the address the notebook page opens, token and odd ids included", () => {
    const url = popoutUrl("http://127.0.0.1:5", "se ss/ion", { cell: "c&d=e", output: 1 }, "to/ken");
    expect(url.startsWith("http://127.0.0.1:5/s/se%20ss%2Fion?")).toBe(true);
    expect(popoutTarget(url)).toEqual({ cell: "c&d=e", output: 1 });
    expect(new URL(url).searchParams.get("token")).toBe("to/ken");
    expect(new URL(popoutUrl("http://h:1", "S", { cell: "a", output: null }, null)).searchParams.has("token")).toBe(false);
  });

  it("titles the window with the notebook and the cell's display position", () => {
    expect(popoutTitle("nb.py", 3)).toBe("nb.py — cell 3");
    expect(popoutTitle("", 1)).toBe("Untitled — cell 1");
  });

  it("sizes the window to the output, within sane bounds", () => {
    expect(windowSize(400, 100)).toEqual({ width: 448, height: 164 });
    expect(windowSize(10, 10)).toEqual({ width: 320, height: 160 });
    expect(windowSize(9000, 9000)).toEqual({ width: 1400, height: 1000 });
    expect(windowSize(NaN, Infinity)).toEqual({ width: 320, height: 160 });
  });
});

describe("PopoutApp", () => {
  it("shows only its cell's output, follows it live, and says so when the cell is deleted", () => {
    const p = page([cs("a", [text("from a")]), cs("b", [text("b one"), text("b two")])]);
    const host = document.createElement("div");
    act(() => render(h(PopoutApp, { controller: p.controller, target: { cell: "b", output: null }, retry: () => {} }), host));
    expect(host.querySelector("[data-popout-state=loading]")).not.toBeNull();
    act(() => p.session());
    expect(host.textContent).toContain("b one");
    expect(host.textContent).toContain("b two");
    expect(host.textContent).not.toContain("from a");
    expect(host.querySelector("[data-action=pop-out]")).toBeNull(); // no pop-out buttons inside a pop-out
    expect(document.title).toBe("nb.py — cell 2");

    act(() => {
      p.store.server({ type: "cell_clear", id: "b" });
      p.store.server({ type: "cell_output", id: "b", output: text("b again") });
    });
    expect(host.textContent).toContain("b again");
    expect(host.textContent).not.toContain("b one");

    act(() => p.store.server({ type: "transaction_applied", version: 2, source: "ui", changes: [{ op: "move", id: "b", index: 0 }] }));
    expect(document.title).toBe("nb.py — cell 1");

    act(() => p.store.server({ type: "transaction_applied", version: 3, source: "ui", changes: [{ op: "delete", id: "b" }] }));
    const deleted = host.querySelector("[data-popout-state=deleted]");
    expect(deleted?.textContent).toContain("This cell was deleted");
    expect(host.querySelector("[data-testid=popout]")!.getAttribute("data-status")).toBe("deleted");
    expect(p.sent).toEqual([]); // a pop-out page only watches: it sent the session nothing
  });

  it("shows one output when asked for one, and says when that output is not there", () => {
    const p = page([cs("b", [text("b one"), text("b two")])]);
    const host = document.createElement("div");
    act(() => render(h(PopoutApp, { controller: p.controller, target: { cell: "b", output: 1 }, retry: () => {} }), host));
    act(() => p.session());
    expect(host.textContent).toContain("b two");
    expect(host.textContent).not.toContain("b one");
    act(() => p.store.server({ type: "cell_clear", id: "b" }));
    expect(host.querySelector("[data-popout-state=empty]")).not.toBeNull();
  });
});

describe("View ▸ Pop Out Cell Output", () => {
  it("is a shell command the page claims when it can pop out, and leaves otherwise", () => {
    const calls: string[] = [];
    const base = {
      open_settings: () => {}, set_theme: () => {}, set_view: () => {}, save: () => {}, run_all: () => {}, show_shortcuts: () => {}, goto_cell: () => {},
    };
    expect(handleShellCommand({ command: "pop_out" }, { ...base, pop_out: () => calls.push("pop") })).toBe(true);
    expect(calls).toEqual(["pop"]);
    expect(handleShellCommand({ command: "pop_out" }, base)).toBe(false);
  });
});
