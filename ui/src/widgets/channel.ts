// The widgets' line to the kernel: `set_ui_value` out, `ui_values` /
// `table_page_reply` in. One update is in flight at a time; while it is, only the
// latest value per element is kept and sent on the next animation frame after the
// answer (so a fast drag never builds a backlog in the kernel). Views of the same
// element (an element shown twice) share its value through `subscribe`.

import type { SetUiValueMsg, TablePageMsg, TablePageReplyMsg } from "../protocol";

export interface WidgetTransport {
  send(msg: SetUiValueMsg | TablePageMsg): void;
}

export type TablePageReply = TablePageReplyMsg;

type Listener = (value: unknown) => void;
type Schedule = (f: () => void) => void;

const ACK_TIMEOUT_MS = 3000;

let counter = 0;
const newId = (p: string) => `${p}${Date.now().toString(36)}${++counter}`;

export class WidgetChannel {
  transport: WidgetTransport | null = null;
  /** latest value per element (user's or kernel's) */
  readonly values = new Map<string, unknown>();
  private listeners = new Map<string, Set<Listener>>();
  private inflight: { id: string; elements: string[]; timer: ReturnType<typeof setTimeout> } | null = null;
  private pending = new Map<string, unknown>();
  private flushScheduled = false;
  private pages = new Map<string, (r: TablePageReply | null) => void>();
  /** number of set_ui_value messages sent (tests, benchmarks) */
  sent = 0;

  constructor(private schedule: Schedule = defaultSchedule) {}

  /** The user changed an element: remember, tell other views, send (coalesced). */
  set(elementId: string, value: unknown): void {
    this.values.set(elementId, value);
    this.notify(elementId, value);
    if (!this.transport) return;
    this.pending.delete(elementId);
    this.pending.set(elementId, value);
    if (!this.inflight) this.flush();
  }

  subscribe(elementId: string, l: Listener): () => void {
    let set = this.listeners.get(elementId);
    if (!set) this.listeners.set(elementId, (set = new Set()));
    set.add(l);
    return () => {
      set!.delete(l);
      if (!set!.size) this.listeners.delete(elementId);
    };
  }

  isPending(elementId: string): boolean {
    return this.pending.has(elementId) || !!this.inflight?.elements.includes(elementId);
  }

  private notify(elementId: string, value: unknown, except?: Listener): void {
    for (const l of this.listeners.get(elementId) ?? []) if (l !== except) l(value);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.transport || this.inflight || !this.pending.size) return;
    const updates = [...this.pending.entries()];
    this.pending.clear();
    const id = newId("u");
    const timer = setTimeout(() => this.ack(id), ACK_TIMEOUT_MS);
    this.inflight = { id, elements: updates.map(([e]) => e), timer };
    this.sent += 1;
    if (updates.length === 1) {
      this.transport.send({ type: "set_ui_value", element_id: updates[0][0], value: updates[0][1], request_id: id });
    } else {
      const [first, ...rest] = updates;
      this.transport.send({
        type: "set_ui_value",
        element_id: first[0],
        value: first[1],
        updates: rest.map(([element_id, value]) => ({ element_id, value })),
        request_id: id,
      });
    }
  }

  private ack(requestId: string): void {
    if (!this.inflight || this.inflight.id !== requestId) return;
    clearTimeout(this.inflight.timer);
    this.inflight = null;
    if (this.pending.size && !this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** A server message; returns true when it was for the widgets only. */
  handle(message: { type: string }): boolean {
    const msg = message as { type: string; [k: string]: unknown };
    if (msg.type === "ui_values") {
      const values = (msg.values ?? {}) as { [id: string]: unknown };
      for (const [id, v] of Object.entries(values)) {
        if (this.pending.has(id)) continue; // the user has moved on: keep their newer value
        this.values.set(id, v);
        this.notify(id, v);
      }
      const inflight = this.inflight;
      if (inflight) {
        const rid = msg.request_id as string | undefined;
        const mine = rid ? rid === inflight.id : inflight.elements.some((e) => e in values) || ((msg.unknown as string[]) ?? []).some((e) => inflight.elements.includes(e));
        if (mine) this.ack(inflight.id);
      }
      return true;
    }
    if (msg.type === "table_page_reply") {
      const r = msg as unknown as TablePageReply;
      const resolve = this.pages.get(r.request_id);
      if (resolve) {
        this.pages.delete(r.request_id);
        resolve(r);
      }
      return true;
    }
    return false;
  }

  /** Ask the kernel for one page of a table; null without a kernel or on timeout. */
  requestPage(elementId: string, page: number, sort: { column: string; descending: boolean } | null, pageSize?: number): Promise<TablePageReply | null> {
    if (!this.transport) return Promise.resolve(null);
    const request_id = newId("t");
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pages.delete(request_id);
        resolve(null);
      }, 15000);
      this.pages.set(request_id, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      this.transport!.send({ type: "table_page", request_id, element_id: elementId, page, sort, page_size: pageSize });
    });
  }

  /** Connection lost: nothing is in flight any more. */
  reset(): void {
    if (this.inflight) clearTimeout(this.inflight.timer);
    this.inflight = null;
    for (const [, r] of this.pages) r(null);
    this.pages.clear();
  }
}

function defaultSchedule(f: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => f());
  else setTimeout(f, 0);
}

/** The page's one channel (no transport in exported pages: widgets work locally). */
export const channel = new WidgetChannel();
