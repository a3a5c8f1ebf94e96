// The Packages panel: the notebook's PEP 723 dependencies and its environment.
// Every change goes through uv on the server (`uv add|remove|lock --script`);
// uv's own lines stream into the log, and the kernel restarts only once the new
// environment is built (a failure leaves the old one running and shows uv's text).

import { useContext, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { InstallHint } from "../protocol";
import { requirementName, type State } from "../store";
import { UiContext } from "./context";

const ENV_LABELS: Record<string, string> = {
  building: "Building…",
  ready: "Ready",
  failed: "Failed",
  none: "App's Python (environments off)",
};

export function PackagesPanel({ state }: { state: State }) {
  const ctl = useContext(UiContext).controller;
  const p = state.packages;
  const [req, setReq] = useState("");
  const log = useRef<HTMLPreElement>(null);
  const kernel = state.kernel.state;

  // ask again whenever the kernel settles: the startup build may have finished meanwhile
  useEffect(() => {
    if (state.connection === "open") ctl.packagesGet();
  }, [ctl, state.connection, kernel === "idle" || kernel === "dead"]);
  useLayoutEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [p.log]);

  const busy = !!p.pending || p.env.state === "building" || state.readOnly;
  const add = (e: Event) => {
    e.preventDefault();
    if (busy || !req.trim()) return;
    ctl.addPackage(req);
    setReq("");
  };

  return (
    <div class="packages">
      <div class="pkg-env" data-state={p.env.state}>
        <div class="pkg-env-line">
          <span class="pkg-env-dot" />
          <span class="pkg-env-state">{p.pending && p.env.state !== "failed" ? `${p.pending}…` : ENV_LABELS[p.env.state] ?? p.env.state}</span>
          {p.env.python && <span class="muted">Python {p.env.python}</span>}
        </div>
        {p.env.path && (
          <div class="pkg-env-path" title={p.env.path}>
            {p.env.path}
          </div>
        )}
        <div class="pkg-env-meta muted">
          {p.requiresPython ? `requires-python ${p.requiresPython} · ` : ""}
          {p.locked ? "locked (nb.py.lock)" : "not locked"}
        </div>
      </div>
      {p.env.state === "failed" && p.env.path && <p class="small muted">The last change failed; the notebook and its previous environment are unchanged.</p>}
      {p.env.state === "failed" && p.env.message && <pre class="pkg-error">{p.env.message}</pre>}

      <h4>
        Dependencies <span class="count">{p.dependencies.length}</span>
      </h4>
      {p.dependencies.length ? (
        <ul class="pkg-deps">
          {p.dependencies.map((d) => (
            <li key={d} class="pkg-dep">
              <code>{d}</code>
              <button class="link small pkg-remove" disabled={busy} title={`Remove ${requirementName(d)} from this notebook`} onClick={() => ctl.removePackage(requirementName(d))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty small">{p.known ? "No packages yet. Add one below; it goes into the notebook's `# /// script` block." : "Loading…"}</p>
      )}

      <form class="pkg-add" onSubmit={add}>
        <input class="filter pkg-add-input" placeholder="Add a package, e.g. requests or pandas>=2" value={req} disabled={state.readOnly} onInput={(e) => setReq((e.target as HTMLInputElement).value)} />
        <button class="btn small primary" type="submit" disabled={busy || !req.trim()}>
          Add
        </button>
      </form>
      <div class="pkg-actions">
        <button class="btn small pkg-lock" disabled={busy} title="uv lock --script: pin exact versions in nb.py.lock" onClick={() => ctl.lockPackages()}>
          Lock
        </button>
        <button class="btn small pkg-rebuild" disabled={busy} title="Build a fresh environment and restart the kernel in it" onClick={() => ctl.rebuildEnvironment()}>
          Rebuild
        </button>
      </div>

      {p.log.length > 0 && (
        <pre class="pkg-log" ref={log}>
          {p.log.join("\n")}
        </pre>
      )}
    </div>
  );
}

/** "Install X and add it to this notebook" under a ModuleNotFoundError; re-runs the cell after. */
export function InstallOffer({ hint }: { hint: InstallHint }) {
  const ctl = useContext(UiContext).controller;
  const [p, setP] = useState(() => ctl.store.get().packages);
  const [clicked, setClicked] = useState(false);
  useEffect(() => {
    const unsubscribe = ctl.store.subscribe((s) => setP(s.packages));
    setP(ctl.store.get().packages); // changed before we listened
    return unsubscribe;
  }, [ctl]);
  const working = clicked && (!!p.pending || p.env.state === "building");
  const failed = clicked && !working && p.env.state === "failed";
  return (
    <div class="install-offer">
      <button
        class="btn small primary install-btn"
        disabled={working || ctl.store.get().readOnly}
        onClick={() => {
          setClicked(true);
          ctl.addPackage(hint.package, hint.cell ? [hint.cell] : undefined);
        }}
      >
        Install {hint.package} and add it to this notebook
      </button>
      {working && <span class="muted install-progress">{p.log[p.log.length - 1] ?? "Installing…"}</span>}
      {failed && <span class="install-failed">Install failed — see the Packages panel for uv's message.</span>}
    </div>
  );
}
