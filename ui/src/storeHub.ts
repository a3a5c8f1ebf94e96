// A tiny observable around the pure reducers. Listeners run at most once per
// animation frame, so a storm of output messages renders once per frame.

import { applyLocal, applyServer, initialState, type LocalAction, type State } from "./store";
import type { ServerMessage } from "./protocol";

type Listener = (s: State) => void;

/** After the frame being made, once no input or other task waits (at the latest ~100 ms on). */
function whenIdle(f: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => f(), { timeout: 100 });
  else setTimeout(f, 0);
}

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
    this.set(applyLocal(this.state, a), "now");
  }
  /**
   * A user action the page need not show in the coming frame: typed code (the editor shows
   * the keystroke itself). The state changes now -- `get()` has it -- but listeners (the
   * notebook's re-render: status, "editing…", the list's counts) run after that frame is
   * out and no next key waits, off the keystroke's path to the screen. Any other change
   * notifies as usual and carries this one with it.
   */
  localAfterFrame(a: LocalAction): void {
    this.set(applyLocal(this.state, a), "after-frame");
  }
  private rafPending = false;
  private microPending = false;
  private afterPending = false;
  private lastNotified: State | null = null;
  private set(next: State, when: "now" | "frame" | "after-frame" = "frame"): void {
    if (next === this.state) return;
    this.state = next;
    if (when === "after-frame") {
      if (this.microPending || this.rafPending || this.afterPending) return;
      this.afterPending = true;
      this.schedule(() =>
        whenIdle(() => {
          this.afterPending = false;
          this.notify();
        }),
      );
    } else if (when === "now") {
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
