// memo() without preact/compat (compat's global vnode hook slows every render).
import { Component, h, type ComponentChildren, type FunctionComponent } from "preact";

function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const k in a) if (a[k] !== b[k]) return false;
  for (const k in b) if (!(k in a)) return false;
  return true;
}

export function memo<P extends object>(C: FunctionComponent<P>): FunctionComponent<P> {
  class Memo extends Component<P & { children?: ComponentChildren }> {
    shouldComponentUpdate(next: P) {
      return !shallowEqual(this.props as Record<string, unknown>, next as Record<string, unknown>);
    }
    render(props: P) {
      return h(C as FunctionComponent<P>, props);
    }
  }
  (Memo as unknown as { displayName: string }).displayName = `Memo(${C.displayName || C.name})`;
  return Memo as unknown as FunctionComponent<P>;
}
