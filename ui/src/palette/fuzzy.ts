// Fuzzy filter for the command palette: every query character must appear in order in the
// title (case-insensitive); matches at word starts and in runs score higher.

interface Scored<T> {
  item: T;
  score: number;
}

/** A score for `query` in `text` (higher is better), or null when it does not match. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase();
  if (!q) return 0;
  const t = text.toLowerCase();
  let score = 0;
  let ti = 0;
  let prev = -2;
  for (const ch of q) {
    if (ch === " ") continue;
    const at = t.indexOf(ch, ti);
    if (at < 0) return null;
    const wordStart = at === 0 || /[\s\-/(:.]/.test(t[at - 1]);
    score += 1 + (wordStart ? 3 : 0) + (at === prev + 1 ? 2 : 0) - Math.min(at - ti, 5) * 0.1;
    prev = at;
    ti = at + 1;
  }
  if (t.includes(q)) score += 5; // the query typed as one piece
  return score;
}

/** Items matching `query`, best first; equal scores keep the given order. */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (item: T) => string): T[] {
  const scored: (Scored<T> & { i: number })[] = [];
  items.forEach((item, i) => {
    const score = fuzzyScore(query, text(item));
    if (score !== null) scored.push({ item, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.map((s) => s.item);
}
