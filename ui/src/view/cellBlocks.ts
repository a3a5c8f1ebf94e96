// The cell list in blocks of ~50 cells. Each block is one `content-visibility: auto` box
// (styles.css): a keystroke's frame then has ~40 blocks and the ~50 slots of one block to lay
// out, hit-test, paint and check for intersection, not 2,000 slots, each of which Chromium had
// also observed for visibility on every frame.
//
// A cell that changes block is a new DOM subtree (its editor and output frames are made
// again), so blocks keep their cells while the order changes: a cell stays in the block it was
// in as long as the order allows; a new cell joins its neighbour's block; a block grown past
// twice the size is split (the half without the selected cell takes a new key).

/** Cells per block when blocks are made afresh (a notebook opened). */
const BLOCK_SIZE = 50;

interface Block {
  key: number;
  ids: string[];
}

export interface Blocks {
  blocks: Block[];
  /** cell id -> block key */
  of: Map<string, number>;
  nextKey: number;
}

export const NO_BLOCKS: Blocks = { blocks: [], of: new Map(), nextKey: 0 };

/**
 * Blocks for `order`, keeping as much of `prev` as the order allows. `keep` (the selected
 * cell) is the one that stays when it and a neighbour cannot both keep their blocks.
 */
export function assignBlocks(order: readonly string[], prev: Blocks = NO_BLOCKS, keep: string | null = null, size = BLOCK_SIZE): Blocks {
  let nextKey = prev.nextKey;
  if (prev.blocks.length === 0) {
    // afresh: even blocks of `size`
    const fresh: Block[] = [];
    for (let i = 0; i < order.length; i += size) fresh.push({ key: nextKey++, ids: order.slice(i, i + size) });
    return withIndex(fresh, nextKey);
  }
  const runs: Block[] = [];
  const used = new Set<number>();
  let cur: Block | null = null;
  for (let i = 0; i < order.length; i++) {
    const id = order[i];
    const was = prev.of.get(id);
    let startNew = false;
    if (cur === null) startNew = true;
    else if (was !== undefined && was !== cur.key && !used.has(was)) {
      // a later block begins here -- unless this cell merely moved in front of the current
      // block's next cell (then this one changes block, not that one: unless it is `keep`)
      const next = order[i + 1];
      const interloper = next !== undefined && prev.of.get(next) === cur.key && id !== keep;
      startNew = !interloper;
    }
    if (startNew) {
      // a new cell at the top joins the block of the first cell after it
      const known = was ?? order.slice(i + 1).map((x) => prev.of.get(x)).find((k) => k !== undefined);
      const key = known !== undefined && !used.has(known) ? known : nextKey++;
      used.add(key);
      cur = { key, ids: [] };
      runs.push(cur);
    }
    cur!.ids.push(id);
  }
  const blocks: Block[] = [];
  for (const run of runs) {
    if (run.ids.length <= 2 * size) {
      blocks.push(run);
      continue;
    }
    // split an overgrown block in pieces of `size`; the piece holding `keep` keeps the key
    const pieces: string[][] = [];
    for (let i = 0; i < run.ids.length; i += size) pieces.push(run.ids.slice(i, i + size));
    const last = pieces[pieces.length - 1];
    if (pieces.length > 1 && last.length < size / 2) pieces[pieces.length - 2].push(...pieces.pop()!);
    const keeper = Math.max(0, pieces.findIndex((p) => keep !== null && p.includes(keep)));
    pieces.forEach((ids, j) => blocks.push({ key: j === keeper ? run.key : nextKey++, ids }));
  }
  return withIndex(reuseIds(blocks, prev), nextKey);
}

/** Keep a block's previous `ids` array when its cells are the same (its view need not re-render). */
function reuseIds(blocks: Block[], prev: Blocks): Block[] {
  const byKey = new Map(prev.blocks.map((b) => [b.key, b]));
  return blocks.map((b) => {
    const old = byKey.get(b.key);
    return old && old.ids.length === b.ids.length && old.ids.every((id, i) => id === b.ids[i]) ? old : b;
  });
}

function withIndex(blocks: Block[], nextKey: number): Blocks {
  const of = new Map<string, number>();
  for (const b of blocks) for (const id of b.ids) of.set(id, b.key);
  return { blocks, of, nextKey };
}
