// The notebook's cells. Typing in one cell must not re-render the other 1,999: the list
// re-renders only when what it lays out changes (order, selection, mode), and each cell
// follows its own entry in the store (`useCell`), so a keystroke renders one cell. The slots
// sit in blocks of ~50 (cellBlocks.ts); off-screen blocks skip layout and paint
// (`content-visibility: auto`, styles.css) -- except a block holding an output frame, which
// must lay out to report its height (test_e2e_output_sandbox).

import { useContext, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Store } from "../storeHub";
import type { Cell } from "../store";
import { CellView } from "./cell";
import { UiContext } from "./context";
import { Icon } from "./icons";
import { memo } from "./memo";
import { assignBlocks, NO_BLOCKS, type Blocks } from "./cellBlocks";

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
  // blocks follow the order only (cellBlocks.ts); `selected` only decides who keeps its block
  const blocks = useRef<Blocks>(NO_BLOCKS);
  const blockOrder = useRef<string[] | null>(null);
  if (blockOrder.current !== p.order) {
    blocks.current = assignBlocks(p.order, blocks.current, p.selected);
    blockOrder.current = p.order;
  }
  const count = p.order.length;
  let start = 0;
  return (
    <>
      {blocks.current.blocks.map((b) => {
        const first = start;
        start += b.ids.length;
        const selected = p.selected !== null && blocks.current.of.get(p.selected) === b.key ? p.selected : null;
        return (
          <CellBlock
            key={b.key}
            ids={b.ids}
            first={first}
            count={count}
            selected={selected}
            editing={selected !== null && p.editing}
            readOnly={p.readOnly}
            appView={p.appView}
            outputAbove={p.outputAbove}
            related={p.related}
            crashedCell={p.crashedCell !== null && blocks.current.of.get(p.crashedCell) === b.key ? p.crashedCell : null}
          />
        );
      })}
    </>
  );
});

interface CellBlockProps extends Omit<CellListProps, "order"> {
  ids: string[];
  /** the display index of the block's first cell */
  first: number;
  /** cells in the notebook */
  count: number;
}

/** ~50 slots in one `content-visibility: auto` box (styles.css); its size until first shown is a guess. */
const CellBlock = memo(function CellBlock(p: CellBlockProps) {
  const last = p.count - 1;
  const editable = !p.readOnly && !p.appView;
  return (
    <div class="cell-block" style={{ containIntrinsicSize: `auto ${p.ids.length * SLOT_GUESS_PX}px` }} data-testid="cell-block">
      {p.ids.map((id, j) => {
        const i = p.first + j;
        return (
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
        );
      })}
    </div>
  );
});

/** a cell slot's height before it was ever laid out (a short code cell with a one-line output) */
const SLOT_GUESS_PX = 90;

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
