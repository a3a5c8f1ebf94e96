// Typed code reaches the store at once (every reader has it) but the page re-renders after the
// frame that shows the keystroke (Store.localAfterFrame): issue 21's keystroke path.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Store } from "../src/storeHub";
import { applyServer, initialState } from "../src/store";
import { PROTOCOL_VERSION } from "../src/protocol";

function storeWithFrames(): { store: Store; frame(): void } {
  const s = applyServer(initialState(), {
    type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false,
    cells: [{ id: "a", kind: "code", code: "x = 1", options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] }],
    kernel: { state: "idle" }, config: {}, doc_version: 1,
  });
  let frames: (() => void)[] = [];
  const store = new Store(s, (f) => frames.push(f));
  return {
    store,
    frame: () => {
      const run = frames;
      frames = [];
      for (const f of run) f();
    },
  };
}

describe("Store.localAfterFrame", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("changes the state now and tells listeners once the next frame is done", () => {
    const { store, frame } = storeWithFrames();
    const seen: string[] = [];
    store.subscribe((s) => seen.push(s.cells.a.code));
    store.localAfterFrame({ type: "edit_code", id: "a", code: "x = 12" });
    store.localAfterFrame({ type: "edit_code", id: "a", code: "x = 123" });
    expect(store.get().cells.a.code).toBe("x = 123");
    expect(store.get().unsynced.a).toBe(true);
    vi.runAllTimers();
    expect(seen).toEqual([]); // not before the frame
    frame();
    expect(seen).toEqual([]); // not in it either
    vi.runAllTimers();
    expect(seen).toEqual(["x = 123"]); // once, after it, with the latest code
  });

  it("is carried by an urgent change at once", async () => {
    const { store, frame } = storeWithFrames();
    const seen: string[] = [];
    store.subscribe((s) => seen.push(`${s.cells.a.code} ${s.selected}`));
    store.localAfterFrame({ type: "edit_code", id: "a", code: "x = 2" });
    store.local({ type: "select", id: "a", editing: true });
    await vi.runAllTimersAsync(); // the microtask
    expect(seen).toEqual(["x = 2 a"]);
    frame();
    vi.runAllTimers();
    expect(seen).toEqual(["x = 2 a"]); // nothing left to tell
  });
});
