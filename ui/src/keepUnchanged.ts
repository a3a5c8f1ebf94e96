// A batch of kernel events often leaves a cell as it was: a 100-cell chain driven by a slider
// re-runs every cell (queued, running, cleared, idle again) and most end with the same status,
// no outputs and the same shown run time. Such a cell keeps its old object, so the memoised
// cell view skips it: the page renders the cells whose display changed, not all of them.

import { formatRunTime } from "./runTime";
import type { Cell, State } from "./store";

function sameList(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

function sameShown(k: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (k === "run_seconds") return typeof a === "number" && typeof b === "number" && formatRunTime(a) === formatRunTime(b);
  return sameList(a, b); // outputs: cleared and still empty
}

/** Would ``after`` show the same as ``before``? (keys, and each value identical or shown the same) */
function sameCell(before: Cell, after: Cell): boolean {
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  for (const k in b) if (!(k in a) || !sameShown(k, a[k], b[k])) return false;
  for (const k in a) if (!(k in b)) return false;
  return true;
}

/** ``after`` with every cell that shows the same as in ``before`` given back its ``before`` object. */
export function keepUnchangedCells(before: State, after: State): State {
  if (after.cells === before.cells) return after;
  let cells: State["cells"] | null = null;
  let changed = false;
  for (const id in after.cells) {
    const old = before.cells[id];
    const now = after.cells[id];
    if (old === now) continue;
    if (old && sameCell(old, now)) {
      cells ??= { ...after.cells };
      cells[id] = old;
    } else changed = true;
  }
  if (!changed && Object.keys(before.cells).length === Object.keys(after.cells).length) return { ...after, cells: before.cells };
  return cells === null ? after : { ...after, cells };
}
