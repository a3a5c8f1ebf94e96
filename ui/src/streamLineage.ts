// Which stream outputs grew from one another. The store marks an output that is an earlier one with
// text appended (a print loop's chunks), so a view can take its text as the old one plus a suffix --
// index only the new lines, look for "\r" and escapes only in the new text -- instead of scanning
// and comparing megabytes on every frame. A token per line of growth, held weakly by the outputs.
import type { Output } from "./protocol";

const lineage = new WeakMap<Output, object>();

/** The growth token of `output` (made on first asking): outputs that share it only ever grew by appending. */
export function lineageOf(output: Output): object {
  let token = lineage.get(output);
  if (!token) {
    token = {};
    lineage.set(output, token);
  }
  return token;
}

/** `next` is `from` with text appended (nothing else changed). */
export function markGrown(next: Output, from: Output): void {
  lineage.set(next, lineageOf(from));
}
