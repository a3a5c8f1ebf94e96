// A `graph` message carries every cell's graph info after each edit; a cell whose info did not
// change keeps its object, so the view re-renders only the cells the edit affected (typing in a
// 2,000-cell notebook re-renders one cell, not 2,000).

type Json = unknown;

/** Structural equality of plain JSON values (the graph info's arrays, maps and error objects). */
function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!sameJson((a as Record<string, Json>)[k], (b as Record<string, Json>)[k])) return false;
  return true;
}

/** `next` when some graph field differs from `prev`, else `prev` itself. */
export function keepIfSameGraph<C extends object>(prev: C, next: C, fields: readonly (keyof C)[]): C {
  for (const f of fields) if (!sameJson(prev[f], next[f])) return next;
  return prev;
}
