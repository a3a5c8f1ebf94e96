// Where each line of a long text starts, kept up to date as the text grows: a stream that
// gains a chunk is scanned from where the old text ended only, so rendering a window of a
// 100,000-line output costs the new text, not the whole of it, per update.

/** The offsets at which the lines of `text` start: `starts[0..n)`, `starts[0] === 0`. */
export interface LineIndex {
  readonly text: string;
  /** append-only, possibly shared with a later index of a longer text: read only the first `n` */
  readonly starts: number[];
  readonly n: number;
}

/** How many lines `text` shows: a final "\n" ends the last line, it does not start an empty one. */
export function lineCount(ix: LineIndex): number {
  return ix.n > 1 && ix.text.endsWith("\n") ? ix.n - 1 : ix.n;
}

/**
 * The index of `text`; `prev` (the index of an earlier text) is extended when `text` extends it,
 * as a stream's text does chunk by chunk. Anything else (a capped middle, a rewritten line) is
 * indexed afresh. `extendsPrev` skips checking that `text` starts with `prev.text`.
 */
export function indexLines(text: string, prev?: LineIndex | null, extendsPrev = false): LineIndex {
  if (prev && prev.text === text) return prev;
  let starts: number[];
  let from: number;
  // `extendsPrev`: the caller knows `text` is `prev.text` plus more (streamLineage.ts): no comparison
  if (prev && text.length > prev.text.length && (extendsPrev || text.startsWith(prev.text))) {
    // share the offsets when nobody extended `prev` yet; else copy its own part
    starts = prev.starts.length === prev.n ? prev.starts : prev.starts.slice(0, prev.n);
    from = prev.text.length;
  } else {
    starts = [0];
    from = 0;
  }
  for (let i = text.indexOf("\n", from); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return { text, starts, n: starts.length };
}

/** Lines `first` (0-based) up to, not including, `end`, as one string without the last line's "\n". */
export function sliceLines(ix: LineIndex, first: number, end: number): string {
  const count = lineCount(ix);
  const a = Math.max(0, Math.min(first, count));
  const b = Math.max(a, Math.min(end, count));
  if (a === b) return "";
  const from = ix.starts[a];
  const to = b < ix.n ? ix.starts[b] - 1 : ix.text.length;
  return ix.text.slice(from, Math.max(from, to));
}

/** The character offset where line `line` starts (the text's length past the last line). */
export function lineStart(ix: LineIndex, line: number): number {
  return line < ix.n ? ix.starts[Math.max(0, line)] : ix.text.length;
}
