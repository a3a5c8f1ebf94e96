// A tiny observable around the pure reducers. Listeners run at most once per
// animation frame, so a storm of output messages renders once per frame.

import { applyLocal, applyServer, initialState, type LocalAction, type State } from "./store";
import type { ServerMessage } from "./protocol";

type Listener = (s: State) => void;

export class Store {
  private state: State;
  private listeners = new Set<Listener>();
  private scheduled = false;
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
  server(msg: ServerMessage): void {
    this.set(applyServer(this.state, msg));
  }
  local(a: LocalAction): void {
    this.set(applyLocal(this.state, a));
  }
  private set(next: State): void {
    if (next === this.state) return;
    this.state = next;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      for (const l of this.listeners) l(this.state);
    });
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
