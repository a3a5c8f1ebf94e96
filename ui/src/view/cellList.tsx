// The notebook's cells. Typing in one cell must not re-render the other 1,999: the list
// re-renders only when what it lays out changes (order, selection, mode), and each cell
// follows its own entry in the store (`useCell`), so a keystroke renders one cell. Off-screen
// slots skip layout and paint (`content-visibility: auto`, styles.css) -- except a slot holding an
// output frame, which must lay out to report its height (test_e2e_output_sandbox).

import { useContext, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Store } from "../storeHub";
import type { Cell } from "../store";
import { CellView } from "./cell";
import { UiContext } from "./context";
import { Icon } from "./icons";
import { memo } from "./memo";

/** The store's current entry for one cell, re-rendering the caller only when that entry changes. */
export function useCell(store: Store, id: string): Cell | undefined {
  const cell = store.get().cells[id];
  const shown = useRef(cell);
  shown.current = cell;
  const [, bump] = useState(0);
  useLayoutEffect(() => {
    const unsubscribe = store.subscribe((s) => {
      if (s.cells[id] !== shown.current) bump((n) => n + 1);
    });
    if (store.get().cells[id] !== shown.current) bump((n) => n + 1); // changed before we listened
    return unsubscribe;
  }, [store, id]);
  return cell;
}

export interface CellListProps {
  order: string[];
  selected: string | null;
  editing: boolean;
  readOnly: boolean;
  /** the app view: outputs only, no editing */
  appView: boolean;
  outputAbove: boolean;
  related: ReadonlyMap<string, "ancestor" | "descendant">;
  crashedCell: string | null;
}

export const CellList = memo(function CellList(p: CellListProps) {
  const last = p.order.length - 1;
  const editable = !p.readOnly && !p.appView;
  return (
    <>
      {p.order.map((id, i) => (
        <div class={i === last ? "cell-slot last" : "cell-slot"} key={id} data-testid="cell-slot">
          {editable && i === 0 && <AddBar id={id} where="above" />}
          <LiveCell
            id={id}
            index={i}
            isLast={i === last}
            selected={p.selected === id}
            editing={p.editing && p.selected === id}
            readOnly={p.readOnly || p.appView}
            outputAbove={p.outputAbove}
            related={p.related.get(id) ?? null}
            crashed={p.crashedCell === id}
          />
          {editable && <AddBar id={id} where="below" />}
        </div>
      ))}
    </>
  );
});

interface LiveCellProps {
  id: string;
  index: number;
  isLast: boolean;
  selected: boolean;
  editing: boolean;
  readOnly: boolean;
  outputAbove: boolean;
  related: "ancestor" | "descendant" | null;
  crashed: boolean;
}

const LiveCell = memo(function LiveCell({ id, ...rest }: LiveCellProps) {
  const ui = useContext(UiContext);
  const cell = useCell(ui.controller.store, id);
  return cell ? <CellView cell={cell} {...rest} /> : null;
});

const AddBar = memo(function AddBar({ id, where }: { id: string; where: "above" | "below" }) {
  const ui = useContext(UiContext);
  const onAdd = (kind: "code" | "markdown") => ui.controller.addCell(id, where, kind);
  return (
    <div class="add-bar" data-testid={`add-bar-${where}`}>
      <div class="add-line" />
      <button class="add-btn" onClick={() => onAdd("code")} title="Add code cell" data-testid="add-code-cell">
        <Icon name="plus" size={12} /> Code
      </button>
      <button class="add-btn" onClick={() => onAdd("markdown")} title="Add markdown cell" data-testid="add-markdown-cell">
        <Icon name="plus" size={12} /> Markdown
      </button>
      <div class="add-line" />
    </div>
  );
});

/** A map that keeps its identity while its entries stay the same (so the list need not re-render). */
export function useStableMap<K, V>(next: Map<K, V>): ReadonlyMap<K, V> {
  const kept = useRef(next);
  const prev = kept.current;
  if (prev !== next && (prev.size !== next.size || [...next].some(([k, v]) => prev.get(k) !== v))) kept.current = next;
  return kept.current;
}
