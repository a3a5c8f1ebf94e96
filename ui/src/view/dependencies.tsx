// The dependency view: for the selected cell, where each name it reads comes from (with
// redefinitions, one of several definers: the nearest writer above), its ancestors and
// descendants; and the method-call mutation hint shown on a cell. Cells are named as the
// user sees them ("cell 3" and the cell's first line), never by internal ids.

import { useContext } from "preact/hooks";
import { ancestors, descendants, inDisplayOrder, type Cell, type State } from "../store";
import { UiContext } from "./context";

/** One name a cell reads: the cells its binding comes from (empty: no cell defines it). */
export interface Read {
  name: string;
  from: string[];
  /** other cells that also define the name but are not the ones this cell reads */
  otherDefiners: string[];
}

/** The first non-blank line of a cell's code, shortened: how the user recognises a cell. */
export function firstLine(c: Cell | undefined, max = 48): string {
  const line = (c?.code.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

/** Every name ``id`` reads, alphabetically, with the cell(s) it reads it from in display order. */
export function readsOf(state: State, id: string): Read[] {
  const cell = state.cells[id];
  if (!cell) return [];
  const inputs = cell.inputs ?? {};
  return [...cell.refs].sort().map((name) => {
    const from = inDisplayOrder(state, (inputs[name] ?? []).filter((c) => c in state.cells));
    const definers = state.order.filter((c) => c !== id && !from.includes(c) && state.cells[c]?.defs.includes(name));
    return { name, from, otherDefiners: definers };
  });
}

/** The hint for a cell that calls a possibly mutating method on names other cells provide. */
export function mutationHint(state: State, cell: Cell): { name: string; from: string[] }[] {
  if (!cell.hints?.length) return [];
  const inputs = cell.inputs ?? {};
  return cell.hints
    .map((name) => ({ name, from: inDisplayOrder(state, (inputs[name] ?? []).filter((c) => c in state.cells)) }))
    .filter((h) => h.from.length > 0);
}

function CellRef({ id, state }: { id: string; state: State }) {
  const ui = useContext(UiContext);
  return (
    <a
      href={`#cell-${id}`}
      class="cell-link"
      data-cell-ref={ui.label(id)}
      title={firstLine(state.cells[id], 200)}
      onClick={(e) => {
        e.preventDefault();
        ui.goto(id);
      }}
    >
      {ui.label(id)}
    </a>
  );
}

function CellRefWithLine({ id, state }: { id: string; state: State }) {
  return (
    <span class="cell-ref">
      <CellRef id={id} state={state} />
      <code class="dep-line">{firstLine(state.cells[id])}</code>
    </span>
  );
}

function Reads({ state, id }: { state: State; id: string }) {
  const reads = readsOf(state, id);
  if (!reads.length) return null;
  return (
    <div class="reads">
      <span class="muted">reads</span>
      <ul class="dep-reads">
        {reads.map((r) => (
          <li key={r.name} class="dep-read" data-name={r.name}>
            <code class="read-name">{r.name}</code>
            <span class="muted"> from </span>
            {r.from.length ? (
              r.from.map((c, i) => (
                <>
                  {i > 0 && <span class="muted"> and </span>}
                  <CellRefWithLine id={c} state={state} />
                </>
              ))
            ) : (
              <span class="muted not-from-cell">no cell (a built-in or undefined)</span>
            )}
            {r.otherDefiners.length > 0 && (
              <div class="small muted also-defined">
                also defined in{" "}
                {r.otherDefiners.map((c, i) => (
                  <>
                    {i > 0 && ", "}
                    <CellRef id={c} state={state} />
                  </>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Dependencies({ state }: { state: State }) {
  const ui = useContext(UiContext);
  const id = state.selected;
  const cell = id ? state.cells[id] : null;
  if (!id || !cell) return <p class="empty">Select a cell to see what it depends on.</p>;
  const anc = inDisplayOrder(state, ancestors(state, id));
  const desc = inDisplayOrder(state, descendants(state, id));
  const parents = new Set(cell.parents);
  const children = new Set(cell.children);
  const row = (x: string, direct: boolean) => (
    <li key={x} class={direct ? "direct" : ""}>
      <CellRefWithLine id={x} state={state} />
      {direct && <span class="tag">direct</span>}
    </li>
  );
  return (
    <div class="deps">
      <div class="dep-current">
        <div class="dep-title">
          {ui.label(id)} <code class="dep-line">{firstLine(cell)}</code>
        </div>
        {cell.defs.length > 0 && (
          <div class="names">
            <span class="muted">defines</span> {cell.defs.map((n) => <code>{n}</code>)}
          </div>
        )}
        <Reads state={state} id={id} />
      </div>
      <h4>
        Ancestors <span class="count">{anc.length}</span>
      </h4>
      {anc.length ? <ul class="dep-list anc">{anc.map((x) => row(x, parents.has(x)))}</ul> : <p class="empty small">None — this cell reads no other cell's names.</p>}
      <h4>
        Descendants <span class="count">{desc.length}</span>
      </h4>
      {desc.length ? <ul class="dep-list desc">{desc.map((x) => row(x, children.has(x)))}</ul> : <p class="empty small">None — no cell reads what this cell defines.</p>}
      {!state.orderValid && <p class="warn small">The display order is not a valid execution order: a cell reads a name defined further down.</p>}
    </div>
  );
}

/** On a cell: "df.append(...) may change df in place" — a hint, since method calls are not tracked. */
export function MutationHint({ cell }: { cell: Cell }) {
  const ui = useContext(UiContext);
  const state = ui.controller.store.get(); // the cell view re-renders when this cell's graph info changes
  const hints = mutationHint(state, cell);
  if (!hints.length) return null;
  return (
    <div class="mutation-hint" role="note" data-hint={hints.map((h) => h.name).join(" ")}>
      <span class="hint-badge">hint</span>
      {hints.map((h, i) => (
        <span key={h.name}>
          {i > 0 && "; "}
          this cell calls a method that may change <code>{h.name}</code> in place, and <code>{h.name}</code> comes from{" "}
          {h.from.map((c, j) => (
            <>
              {j > 0 && ", "}
              <CellRef id={c} state={state} />
            </>
          ))}
        </span>
      ))}
      <span class="muted">. Reflow tracks assignments, not method calls: re-running this cell alone may apply the change twice; run the cell it comes from to start fresh.</span>
    </div>
  );
}
