import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Connection } from "../src/connection";
import { Controller } from "../src/controller";
import { PROTOCOL_VERSION, type ClientMessage, type CompleteReplyMsg, type ServerMessage } from "../src/protocol";
import { Store } from "../src/storeHub";

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(t: string) {
    this.sent.push(t);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  // test helpers
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(m: object) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const sessionMsg = (version = PROTOCOL_VERSION) => ({
  type: "session",
  version,
  session: "S",
  path: "/nb.py",
  name: "nb.py",
  mode: "auto",
  read_only: false,
  cells: [],
  kernel: { state: "idle" },
  config: {},
});

function connect() {
  const received: ServerMessage[] = [];
  const states: string[] = [];
  const errors: string[] = [];
  const conn = new Connection(
    "ws://h/ws/S?token=t",
    {
      message: (m) => received.push(m),
      state: (s, a) => states.push(`${s}:${a}`),
      protocolError: (r) => errors.push(r),
    },
    (u) => new FakeSocket(u) as unknown as WebSocket,
  );
  return { conn, received, states, errors };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("Connection", () => {
  it("delivers messages and reports bad frames", () => {
    const { received, errors } = connect();
    const ws = FakeSocket.all[0];
    ws.open();
    ws.receive(sessionMsg());
    ws.onmessage?.({ data: "not json" });
    expect(received.map((m) => m.type)).toEqual(["session"]);
    expect(errors).toHaveLength(1);
  });
  it("queues while disconnected and flushes after the session message", () => {
    const { conn } = connect();
    conn.send({ type: "save" });
    const ws = FakeSocket.all[0];
    ws.open();
    conn.send({ type: "run_all" }); // still queued behind "save"
    expect(ws.sent).toEqual([]);
    ws.receive(sessionMsg());
    expect(ws.sent.map((t) => JSON.parse(t).type)).toEqual(["save", "run_all"]);
    conn.send({ type: "interrupt" });
    expect(ws.sent).toHaveLength(3);
  });
  it("reconnects with back-off and resumes on the new session message", () => {
    const { conn, states } = connect();
    FakeSocket.all[0].open();
    FakeSocket.all[0].receive(sessionMsg());
    FakeSocket.all[0].drop();
    expect(states.at(-1)).toBe("reconnecting:1");
    conn.send({ type: "save" });
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(2);
    const ws2 = FakeSocket.all[1];
    ws2.drop(); // fails again: next delay is longer
    expect(states.at(-1)).toBe("reconnecting:2");
    vi.advanceTimersByTime(10_000);
    const ws3 = FakeSocket.all[2];
    ws3.open();
    ws3.receive(sessionMsg());
    expect(ws3.sent.map((t) => JSON.parse(t).type)).toEqual(["save"]);
    // attempt counter reset after success
    ws3.drop();
    expect(states.at(-1)).toBe("reconnecting:1");
  });
  it("pairs replies with requests and gives up after a timeout", async () => {
    const { conn } = connect();
    const ws = FakeSocket.all[0];
    ws.open();
    ws.receive(sessionMsg());
    const p = conn.request<CompleteReplyMsg>({ type: "complete", request_id: "r1", id: "a", code: "pri", cursor: 3 });
    ws.receive({ type: "complete_reply", request_id: "r1", matches: ["print"], cursor_start: 0, cursor_end: 3 });
    expect((await p)?.matches).toEqual(["print"]);
    const q = conn.request({ type: "inspect", request_id: "r2", id: "a", code: "x", cursor: 1 }, 100);
    vi.advanceTimersByTime(200);
    expect(await q).toBe(null);
  });
  it("does not reconnect after a fatal error or close()", () => {
    const { conn } = connect();
    conn.fatal = true;
    FakeSocket.all[0].drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    const c2 = connect();
    c2.conn.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });
});

// ---- Controller: user intentions → messages ---------------------------------------

class FakeTransport {
  sent: ClientMessage[] = [];
  send(m: ClientMessage) {
    this.sent.push(m);
  }
  async request() {
    return null;
  }
  close() {}
}

function controller(readOnly = false) {
  const store = new Store(undefined, (f) => f());
  store.server({
    ...(sessionMsg() as object),
    read_only: readOnly,
    cells: [
      { id: "a", kind: "code", code: "x = 1", options: {}, status: "idle", outputs: [], defs: ["x"], refs: [], parents: [], children: ["b"], errors: [] },
      { id: "b", kind: "code", code: "y = x", options: {}, status: "idle", outputs: [], defs: ["y"], refs: ["x"], parents: ["a"], children: [], errors: [] },
    ],
  } as unknown as ServerMessage);
  const t = new FakeTransport();
  return { ctl: new Controller(store, t), store, t };
}

describe("Controller", () => {
  it("debounces edits into one edit message", () => {
    const { ctl, t, store } = controller();
    ctl.editCode("a", "x = 2");
    ctl.editCode("a", "x = 3");
    expect(t.sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(t.sent).toEqual([{ type: "edit", id: "a", code: "x = 3" }]);
    expect(store.get().unsynced.a).toBeUndefined();
  });
  it("run sends the current code and cancels the pending edit", () => {
    const { ctl, t } = controller();
    ctl.editCode("a", "x = 5");
    ctl.run(["a"]);
    vi.advanceTimersByTime(1000);
    expect(t.sent).toEqual([{ type: "run", cells: [{ id: "a", code: "x = 5" }] }]);
  });
  it("run flushes other cells' pending edits first", () => {
    const { ctl, t } = controller();
    ctl.editCode("b", "y = x + 1");
    ctl.run(["a"]);
    expect(t.sent.map((m) => m.type)).toEqual(["edit", "run"]);
  });
  it("Shift-Enter on the last cell adds a new cell below and edits it", () => {
    const { ctl, t, store } = controller();
    ctl.runAndNext("b");
    expect(t.sent[0].type).toBe("run");
    expect(t.sent[1]).toMatchObject({ type: "create_cell", index: 2, kind: "code", code: "" });
    expect(store.get().order).toHaveLength(3);
    expect(store.get().editing).toBe(true);
    ctl.runAndNext("a");
    expect(store.get().selected).toBe("b");
  });
  it("delete then undo re-creates the cell and re-runs it in auto mode", () => {
    const { ctl, t, store } = controller();
    ctl.deleteCell("a");
    expect(t.sent).toEqual([{ type: "delete_cell", id: "a" }]);
    expect(ctl.undoDelete()).toBe(true);
    const create = t.sent[1] as Extract<ClientMessage, { type: "create_cell" }>;
    expect(create).toMatchObject({ type: "create_cell", index: 0, kind: "code", code: "x = 1" });
    expect(t.sent[2]).toEqual({ type: "run", cells: [{ id: create.id, code: "x = 1" }] });
    expect(store.get().order[0]).toBe(create.id);
    expect(ctl.undoDelete()).toBe(false);
  });
  it("move sends the new index", () => {
    const { ctl, t, store } = controller();
    ctl.moveCell("a", 1);
    expect(t.sent).toEqual([{ type: "move_cell", id: "a", index: 1 }]);
    expect(store.get().order).toEqual(["b", "a"]);
    ctl.moveCell("a", 1); // already last
    expect(t.sent).toHaveLength(1);
  });
  it("kind change keeps the cell (id, outputs) and offers no undo", () => {
    const { ctl, t, store } = controller();
    const before = store.get().cells.b;
    ctl.setKind("b", "markdown");
    expect(t.sent).toEqual([{ type: "set_kind", id: "b", kind: "markdown" }]);
    const s = store.get();
    expect(s.order).toEqual(["a", "b"]);
    expect(s.cells.b.kind).toBe("markdown");
    expect(s.cells.b.outputs).toBe(before.outputs);
    expect(s.deleted).toEqual([]);
  });
  it("a transaction applies locally and is sent as one message; a bad one is neither", () => {
    const { ctl, t, store } = controller();
    expect(ctl.transaction([{ op: "create", id: "n", index: 0, kind: "code", code: "z = 1" }, { op: "move", id: "b", index: 0 }])).toBe(true);
    expect(store.get().order).toEqual(["b", "n", "a"]);
    expect(t.sent).toEqual([{ type: "transaction", changes: [{ op: "create", id: "n", index: 0, kind: "code", code: "z = 1" }, { op: "move", id: "b", index: 0 }] }]);
    expect(ctl.transaction([{ op: "set_code", id: "a", code: "x" }, { op: "move", id: "a", index: 7 }])).toBe(false);
    expect(t.sent).toHaveLength(1);
    expect(store.get().order).toEqual(["b", "n", "a"]);
    expect(store.get().cells.a.code).not.toBe("x");
  });
  it("save flushes edits first", () => {
    const { ctl, t } = controller();
    ctl.editCode("a", "x = 7");
    ctl.save();
    expect(t.sent).toEqual([
      { type: "edit", id: "a", code: "x = 7" },
      { type: "save" },
    ]);
  });
  it("read-only sessions send no edits", () => {
    const { ctl, t } = controller(true);
    ctl.editCode("a", "x");
    ctl.run(["a"]);
    ctl.deleteCell("a");
    ctl.addCell("a", "below");
    ctl.setMode("lazy");
    ctl.save();
    vi.advanceTimersByTime(1000);
    expect(t.sent).toEqual([]);
    ctl.interrupt();
    expect(t.sent).toEqual([{ type: "interrupt" }]);
  });
});

describe("Store hub", () => {
  it("notifies once per scheduled frame", () => {
    const frames: (() => void)[] = [];
    const store = new Store(undefined, (f) => frames.push(f));
    let calls = 0;
    store.subscribe(() => calls++);
    store.server(sessionMsg() as ServerMessage);
    for (let i = 0; i < 100; i++) store.server({ type: "kernel", state: i % 2 ? "busy" : "idle" });
    expect(frames).toHaveLength(1);
    frames[0]();
    expect(calls).toBe(1);
  });
});
