// The WebSocket: decode frames into the store, reconnect with back-off, queue
// what is sent while disconnected, and pair complete/inspect replies with
// their requests (and a cell's output history with its `history_get`).

import { backoffDelay } from "./backoff";
import type { EarlySocket } from "./boot/earlySocket";
import {
  decodeServerMessage,
  encodeClientMessage,
  type CellHistoryMsg,
  type ClientMessage,
  type CompleteReplyMsg,
  type InspectReplyMsg,
  type LspReplyMsg,
  type ServerMessage,
} from "./protocol";

export interface Transport {
  send(msg: ClientMessage): void;
  request<T extends CompleteReplyMsg | InspectReplyMsg | CellHistoryMsg | LspReplyMsg>(msg: ClientMessage & { request_id: string }, timeoutMs?: number): Promise<T | null>;
  close(): void;
}

export interface ConnectionEvents {
  message(msg: ServerMessage): void;
  state(state: "connecting" | "open" | "reconnecting" | "closed", attempt: number): void;
  /** a frame that could not be understood */
  protocolError(reason: string): void;
}

type SocketFactory = (url: string) => WebSocket;

let requestCounter = 0;
export function newRequestId(): string {
  requestCounter += 1;
  return `r${Date.now().toString(36)}${requestCounter}`;
}

export class Connection implements Transport {
  private ws: WebSocket | null = null;
  private queue: string[] = [];
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private pending = new Map<string, (m: ServerMessage | null) => void>();
  /** set when the server must not be reconnected to (e.g. unknown version) */
  fatal = false;
  /** the first socket was the page's early one (boot/earlySocket.ts), not opened here */
  readonly adoptedEarly: boolean;

  /** ``early``: a socket the page opened to ``url`` before the app ran; it is used first, and the
   *  frames it buffered are delivered in a microtask, after the caller has finished wiring up. */
  constructor(
    private url: string,
    private events: ConnectionEvents,
    private makeSocket: SocketFactory = (u) => new WebSocket(u),
    private early: EarlySocket | null = null,
  ) {
    this.adoptedEarly = early !== null;
    this.open();
  }

  private open(): void {
    this.events.state(this.attempt === 0 ? "connecting" : "reconnecting", this.attempt);
    const early = this.early;
    this.early = null;
    let ws: WebSocket;
    try {
      ws = early ? early.ws : this.makeSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      // `session` arrives next; the queue is flushed after it (see onmessage)
    };
    let backlog = early?.frames ?? null; // the early socket's frames, until delivered (in order, before any later one)
    ws.onmessage = (ev) => (backlog ? backlog.push(typeof ev.data === "string" ? ev.data : "") : this.receive(ev.data));
    ws.onclose = () => this.closed(ws);
    ws.onerror = () => {
      /* onclose follows */
    };
    if (early)
      queueMicrotask(() => {
        for (const frame of backlog ?? []) if (this.ws === ws) this.receive(frame);
        backlog = null;
        if (early.closed) this.closed(ws);
      });
  }

  private receive(data: unknown): void {
    const d = decodeServerMessage(typeof data === "string" ? data : "");
    if (!d.ok) {
      this.events.protocolError(d.reason);
      return;
    }
    const m = d.message;
    if (m.type === "complete_reply" || m.type === "inspect_reply" || m.type === "cell_history" || m.type === "lsp_reply") {
      const resolve = this.pending.get(m.request_id);
      if (resolve) {
        this.pending.delete(m.request_id);
        resolve(m);
      }
      return;
    }
    this.events.message(m);
    if (m.type === "session") {
      this.attempt = 0;
      if (this.fatal) {
        this.close();
        return;
      }
      this.flush();
    }
  }

  private closed(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    for (const [, resolve] of this.pending) resolve(null);
    this.pending.clear();
    if (this.stopped || this.fatal) {
      this.events.state("closed", this.attempt);
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.events.state("reconnecting", this.attempt);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  /** Reconnect now (user clicked "retry"). */
  retryNow(): void {
    if (this.ws || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  private isOpen(): boolean {
    return !!this.ws && this.ws.readyState === 1;
  }

  private flush(): void {
    while (this.queue.length && this.isOpen()) this.ws!.send(this.queue.shift()!);
  }

  send(msg: ClientMessage): void {
    const text = encodeClientMessage(msg);
    if (this.isOpen() && this.queue.length === 0) this.ws!.send(text);
    else this.queue.push(text);
  }

  request<T extends CompleteReplyMsg | InspectReplyMsg | CellHistoryMsg | LspReplyMsg>(
    msg: ClientMessage & { request_id: string },
    timeoutMs = 4000,
  ): Promise<T | null> {
    if (!this.isOpen()) return Promise.resolve(null);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending.delete(msg.request_id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(msg.request_id, (m) => {
        clearTimeout(t);
        resolve(m as T | null);
      });
      this.ws!.send(encodeClientMessage(msg));
    });
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }
}
