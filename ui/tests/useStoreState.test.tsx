// @vitest-environment jsdom
// A page's root view follows the store from its first render on: a change that lands before its
// subscription (a pop-out whose session message came at once) is shown, not missed for good.
import { render } from "preact";
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type ServerMessage } from "../src/protocol";
import { Store } from "../src/storeHub";
import { useStoreState } from "../src/view/useStoreState";

function Connection({ store }: { store: Store }) {
  const s = useStoreState(store);
  return <p data-connection={s.connection}>{s.connection}</p>;
}

const session = {
  type: "session", version: PROTOCOL_VERSION, session: "S", path: "/nb.py", name: "nb.py", mode: "auto",
  read_only: false, cells: [], kernel: { state: "idle" }, config: {}, doc_version: 1,
} as ServerMessage;

describe("useStoreState", () => {
  it("shows a change made right after the first render, before effects ran", async () => {
    const store = new Store(undefined, (f) => f()); // notifies at once
    const root = document.createElement("div");
    render(<Connection store={store} />, root);
    store.server(session); // the pop-out's session message, before any effect of the view ran
    await new Promise((r) => setTimeout(r, 50)); // effects and re-renders done
    expect(root.querySelector("p")?.dataset.connection).toBe("open");
  });

  it("follows later changes", async () => {
    const store = new Store(undefined, (f) => f());
    const root = document.createElement("div");
    render(<Connection store={store} />, root);
    await new Promise((r) => setTimeout(r, 50));
    store.server(session);
    await new Promise((r) => setTimeout(r, 50));
    expect(root.querySelector("p")?.dataset.connection).toBe("open");
  });
});
