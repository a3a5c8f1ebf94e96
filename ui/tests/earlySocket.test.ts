import { describe, expect, it } from "vitest";
import { openEarlySocket, takeEarlySocket, EARLY_KEY } from "../src/boot/earlySocket";
import { Connection } from "../src/connection";
import { PROTOCOL_VERSION, type ServerMessage } from "../src/protocol";

// A socket with both listener styles: the early script uses addEventListener, Connection the on* fields.
class FakeSocket {
  readyState = 0;
  sent: string[] = [];
  closedByPage = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners: Record<string, ((e: { data?: string }) => void)[]> = {};
  constructor(public url: string) {}
  addEventListener(type: string, f: (e: { data?: string }) => void) {
    (this.listeners[type] ??= []).push(f);
  }
  send(t: string) {
    this.sent.push(t);
  }
  close() {
    this.closedByPage = true;
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(m: object) {
    const e = { data: JSON.stringify(m) };
    for (const f of this.listeners.message ?? []) f(e);
    this.onmessage?.(e);
  }
  drop() {
    this.readyState = 3;
    for (const f of this.listeners.close ?? []) f({});
    this.onclose?.();
  }
}

const session = { type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells: [], kernel: { state: "idle" }, config: {} };
const kernel = { type: "kernel", state: "busy" };

function page(href: string, stored: string | null = null) {
  const sockets: FakeSocket[] = [];
  const win = { location: { href }, sessionStorage: { getItem: () => stored } };
  const make = (u: string) => {
    const s = new FakeSocket(u);
    sockets.push(s);
    return s as unknown as WebSocket;
  };
  return { win, sockets, make };
}

function connection(url: string, win: object, make: (u: string) => WebSocket) {
  const got: ServerMessage[] = [];
  const states: string[] = [];
  const conn = new Connection(url, { message: (m) => got.push(m), state: (s) => states.push(s), protocolError: () => {} }, make, takeEarlySocket(win, url));
  return { conn, got, states };
}

const microtasks = () => new Promise<void>((r) => setTimeout(r, 0));

describe("the early socket (opened before the app's bundle runs)", () => {
  it("opens the session's socket with the page's token, or the one kept from the last load", () => {
    const a = page("http://127.0.0.1:5/s/S?token=T");
    expect(openEarlySocket(a.win, a.make)?.url).toBe("ws://127.0.0.1:5/ws/S?token=T");
    const b = page("http://127.0.0.1:5/s/S?view=cell&cell=c1", "kept");
    expect(openEarlySocket(b.win, b.make)?.url).toBe("ws://127.0.0.1:5/ws/S?token=kept");
  });

  it("opens nothing on a page without a session, nor in the demo", () => {
    for (const href of ["http://127.0.0.1:5/?token=T", "http://127.0.0.1:5/s/S?demo"]) {
      const p = page(href);
      expect(openEarlySocket(p.win, p.make)).toBeNull();
      expect(p.sockets).toHaveLength(0);
      expect(takeEarlySocket(p.win, "ws://127.0.0.1:5/ws/S")).toBeNull();
    }
  });

  it("the app adopts it: no second socket, frames that came first are delivered first and in order", async () => {
    const p = page("http://127.0.0.1:5/s/S?token=T");
    openEarlySocket(p.win, p.make);
    const early = p.sockets[0];
    early.open();
    early.receive(session);
    early.receive(kernel);
    const { conn, got } = connection("ws://127.0.0.1:5/ws/S?token=T", p.win, p.make);
    expect(conn.adoptedEarly).toBe(true);
    expect(p.sockets).toHaveLength(1);
    expect(got).toEqual([]); // not inside the constructor: the caller is still wiring up
    early.receive({ type: "kernel", state: "idle" }); // a live frame before the backlog is delivered: after it
    await microtasks();
    expect(got.map((m) => [m.type, (m as { state?: string }).state])).toEqual([
      ["session", undefined],
      ["kernel", "busy"],
      ["kernel", "idle"],
    ]);
    conn.send({ type: "save" });
    expect(early.sent).toHaveLength(1); // open and past `session`: sent at once
    expect((p.win as Record<string, unknown>)[EARLY_KEY]).toBeUndefined(); // taken once
  });

  it("a socket that closed before the app ran is reconnected, as any dropped socket", async () => {
    const p = page("http://127.0.0.1:5/s/S?token=T");
    openEarlySocket(p.win, p.make);
    p.sockets[0].drop();
    const { states } = connection("ws://127.0.0.1:5/ws/S?token=T", p.win, p.make);
    await microtasks();
    expect(states).toEqual(["connecting", "reconnecting"]);
  });

  it("one for another address is closed, not adopted", () => {
    const p = page("http://127.0.0.1:5/s/S?token=T");
    openEarlySocket(p.win, p.make);
    const { conn } = connection("ws://127.0.0.1:5/ws/OTHER?token=T", p.win, p.make);
    expect(conn.adoptedEarly).toBe(false);
    expect(p.sockets.map((s) => [s.url, s.closedByPage])).toEqual([
      ["ws://127.0.0.1:5/ws/S?token=T", true],
      ["ws://127.0.0.1:5/ws/OTHER?token=T", false],
    ]);
  });
});
