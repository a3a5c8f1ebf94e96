// The side panel: variables, dependencies of the selected cell (./dependencies), keyboard help
// (with the link to the docs page, /docs).

import { useContext, useMemo, useState } from "preact/hooks";
import { KEY_HELP } from "../keys";
import { cellSummary, type State } from "../store";
import type { VariableItem } from "../protocol";
import { useCell } from "./cellList";
import { Dependencies } from "./dependencies";
import { UiContext } from "./context";
import { memo } from "./memo";
import { PackagesPanel } from "./packages";

export type PanelTab = "variables" | "deps" | "packages" | "keys";

/** A link to a cell, following its own store entry (its title is the cell's summary): typing in a
 * cell re-renders the links to that cell, not the whole variables list. `order` only re-labels. */
const CellLink = memo(function CellLink({ id }: { id: string; order: readonly string[] }) {
  const ui = useContext(UiContext);
  const c = useCell(ui.controller.store, id);
  return (
    <a
      href={`#cell-${id}`}
      class="cell-link"
      title={c ? cellSummary(c) : undefined}
      onClick={(e) => {
        e.preventDefault();
        ui.goto(id);
      }}
    >
      {ui.label(id)}
    </a>
  );
});

export function SidePanel({ state, tab, setTab }: { state: State; tab: PanelTab; setTab(t: PanelTab): void }) {
  return (
    <aside class="side-panel">
      <div class="tabs" role="tablist">
        {(
          [
            ["variables", "Variables"],
            ["deps", "Dependencies"],
            ["packages", "Packages"],
            ["keys", "Keys"],
          ] as const
        ).map(([k, label]) => (
          <button role="tab" aria-selected={tab === k} class={`tab ${tab === k ? "on" : ""}`} onClick={() => setTab(k)}>
            {label}
          </button>
        ))}
      </div>
      <div class="panel-body">
        {tab === "variables" && <Variables variables={state.variables} order={state.order} />}
        {tab === "deps" && <Dependencies state={state} />}
        {tab === "packages" && <PackagesPanel state={state} />}
        {tab === "keys" && <Keys />}
      </div>
    </aside>
  );
}

// re-rendered only when the variables or the cells' order change (not on every keystroke)
const Variables = memo(function Variables({ variables, order }: { variables: VariableItem[]; order: readonly string[] }) {
  const [filter, setFilter] = useState("");
  const items = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const xs = f ? variables.filter((v) => v.name.toLowerCase().includes(f) || v.type.toLowerCase().includes(f)) : variables;
    return [...xs].sort((a, b) => a.name.localeCompare(b.name));
  }, [variables, filter]);
  if (!variables.length) return <p class="empty">No variables yet. Run a cell that defines a global name.</p>;
  return (
    <>
      <input class="filter" placeholder="Filter variables" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      {chunks(items).map((chunk, i) => (
        // one content-visibility box per ~50 variables (styles.css): a long list scrolled out of
        // the panel's view costs the keystroke's layouts nothing
        <ul class="vars" key={i} style={{ containIntrinsicSize: `auto ${chunk.length * VAR_GUESS_PX}px` }}>
          {chunk.map((v) => (
            <li key={v.name} class="var">
              <div class="var-line">
                <span class="v-name">{v.name}</span>
                <span class="v-type">{v.type}</span>
              </div>
              <div class="v-preview" title={v.preview}>
                {v.preview}
              </div>
              <div class="v-cells">
                {v.defined_by ? (
                  <>
                    <span class="muted">in </span>
                    <CellLink id={v.defined_by} order={order} />
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
                {v.used_by.length > 0 && (
                  <>
                    <span class="muted"> · used by </span>
                    {v.used_by.map((id, i) => (
                      <>
                        {i > 0 && ", "}
                        <CellLink id={id} order={order} />
                      </>
                    ))}
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      ))}
    </>
  );
});

/** a variable's height in the list before it was ever laid out (name, preview, cells) */
const VAR_GUESS_PX = 60;
const VAR_CHUNK = 50;

function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += VAR_CHUNK) out.push(xs.slice(i, i + VAR_CHUNK));
  return out;
}

function Keys() {
  return (
    <>
      {/* the API reference and example gallery, served by the app (desktop: Help menu) */}
      <p class="docs-link">
        <a href="/docs" target="_blank" rel="noopener" data-action="open-docs">
          API reference and examples
        </a>
      </p>
      <KeyTable />
    </>
  );
}

function KeyTable() {
  return (
    <table class="keys">
      <tbody>
        {KEY_HELP.map(([k, what]) => (
          <tr>
            <td>
              <kbd>{k}</kbd>
            </td>
            <td>{what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
