// Notebook-wide find and replace over the cells' code as the store holds it (every cell,
// with or without a live editor). Pure: cells and a query in, matches or changes out.

import type { CellChange } from "../protocol";

export interface FindOptions {
  caseSensitive: boolean;
  regex: boolean;
}

export interface Match {
  id: string;
  from: number;
  to: number;
}

interface CodeCell {
  id: string;
  code: string;
}

/** The query as a global RegExp, or an error message (a bad regular expression). */
export function queryRegExp(query: string, opts: FindOptions): RegExp | string {
  const source = opts.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  try {
    return new RegExp(source, opts.caseSensitive ? "gu" : "giu");
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Every match in display order; empty matches (a regex like `x*`) are skipped. */
export function findMatches(cells: readonly CodeCell[], query: string, opts: FindOptions): Match[] {
  if (!query) return [];
  const re = queryRegExp(query, opts);
  if (typeof re === "string") return [];
  const out: Match[] = [];
  for (const c of cells) {
    re.lastIndex = 0;
    for (const m of c.code.matchAll(re)) {
      if (m[0].length === 0) continue;
      out.push({ id: c.id, from: m.index, to: m.index + m[0].length });
    }
  }
  return out;
}

/** The replacement text for one match (with $1… groups when searching by regular expression). */
function replacementFor(code: string, m: Match, query: string, replacement: string, opts: FindOptions): string {
  if (!opts.regex) return replacement;
  const re = queryRegExp(query, opts);
  if (typeof re === "string") return replacement;
  const single = new RegExp(re.source, re.flags.replace("g", ""));
  return code.slice(m.from, m.to).replace(single, replacement);
}

/** The cell's code with one match replaced. */
export function replaceOne(code: string, m: Match, query: string, replacement: string, opts: FindOptions): string {
  return code.slice(0, m.from) + replacementFor(code, m, query, replacement, opts) + code.slice(m.to);
}

/** One `set_code` per cell that has a match: the whole replace-all as one transaction. */
export function replaceAllChanges(cells: readonly CodeCell[], query: string, replacement: string, opts: FindOptions): CellChange[] {
  const re = query ? queryRegExp(query, opts) : "";
  if (typeof re === "string") return [];
  const changes: CellChange[] = [];
  for (const c of cells) {
    re.lastIndex = 0;
    const code = c.code.replace(re, (...args: unknown[]) => {
      const matched = args[0] as string;
      if (!matched) return matched;
      return opts.regex ? matched.replace(new RegExp(re.source, re.flags.replace("g", "")), replacement) : replacement;
    });
    if (code !== c.code) changes.push({ op: "set_code", id: c.id, code });
  }
  return changes;
}

/** The changes that undo `changes` (each cell back to `before`), for cells still as `changes` left them. */
export function inverseChanges(before: ReadonlyMap<string, string>, changes: readonly CellChange[], now: (id: string) => string | undefined): CellChange[] {
  const out: CellChange[] = [];
  for (const ch of changes) {
    if (ch.op !== "set_code") continue;
    const old = before.get(ch.id);
    if (old !== undefined && now(ch.id) === ch.code) out.push({ op: "set_code", id: ch.id, code: old });
  }
  return out;
}

/** The match to show after `pos` (or before it, backwards), wrapping around. */
export function stepMatch(count: number, current: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return dir === 1 ? 0 : count - 1;
  return (current + dir + count) % count;
}
