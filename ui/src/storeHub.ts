// A tiny observable around the pure reducers. Listeners run at most once per
// animation frame, so a storm of output messages renders once per frame.

import { applyLocal, applyServer, initialState, type LocalAction, type State } from "./store";
import type { ServerMessage } from "./protocol";

type Listener = (s: State) => void;

export class Store {
  private state: State;
  private listeners = new Set<Listener>();
  constructor(
    initial: State = initialState(),
    private schedule: (f: () => void) => void = (f) =>
      typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => f()) : setTimeout(f, 0),
  ) {
    this.state = initial;
  }
  get(): State {
    return this.state;
  }
  /** Called once each time the store finds a version gap: ask the server for the cells (`resync`). */
  onResync: (() => void) | null = null;
  server(msg: ServerMessage): void {
    const asked = this.state.resync;
    this.set(applyServer(this.state, msg));
    if (this.state.resync && !asked) this.onResync?.();
  }
  /** user actions render at once (a microtask), so focus follows before the next key */
  local(a: LocalAction): void {
    this.set(applyLocal(this.state, a), true);
  }
  private rafPending = false;
  private microPending = false;
  private lastNotified: State | null = null;
  private set(next: State, urgent = false): void {
    if (next === this.state) return;
    this.state = next;
    if (urgent) {
      if (this.microPending) return;
      this.microPending = true;
      queueMicrotask(() => {
        this.microPending = false;
        this.notify();
      });
    } else if (!this.rafPending) {
      this.rafPending = true;
      this.schedule(() => {
        this.rafPending = false;
        this.notify();
      });
    }
  }
  /** Render what is pending now instead of on the next frame (a widget's answer arrived). */
  flushNow(): void {
    if (this.lastNotified !== this.state) this.notify();
  }
  private notify(): void {
    if (this.lastNotified === this.state) return;
    this.lastNotified = this.state;
    for (const l of this.listeners) l(this.state);
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
