// The store's whole state for a page's root view, re-rendered on every change.

import { useLayoutEffect, useState } from "preact/hooks";
import type { State } from "../store";
import type { Store } from "../storeHub";

/**
 * The state now, and again on each change. A change that lands between the first render and the
 * subscription (the session message of a pop-out that connected quickly) is taken at once: the store
 * notifies each change once, and a view that missed it stayed on "Connecting…" for good.
 */
export function useStoreState(store: Store): State {
  const [s, set] = useState(() => store.get());
  useLayoutEffect(() => {
    const unsubscribe = store.subscribe(set);
    set(store.get()); // changed before we listened
    return unsubscribe;
  }, [store]);
  return s;
}
