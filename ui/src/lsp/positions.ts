// Cell positions as the language server protocol counts them (0-based line, UTF-16 character --
// the same units as a JavaScript string) <-> CodeMirror document offsets. The app maps cell
// positions to its virtual document and back; the page only converts within one cell.

import type { Text } from "@codemirror/state";

export interface LineChar {
  line: number;
  character: number;
}

/** The offset of a cell position, clamped to the document (a server may point past a line's end). */
export function toOffset(doc: Text, pos: LineChar): number {
  if (pos.line < 0) return 0;
  if (pos.line >= doc.lines) return doc.length;
  const line = doc.line(pos.line + 1);
  return line.from + Math.max(0, Math.min(pos.character, line.length));
}

/** The cell position of an offset. */
export function toLineChar(doc: Text, offset: number): LineChar {
  const line = doc.lineAt(Math.max(0, Math.min(offset, doc.length)));
  return { line: line.number - 1, character: offset - line.from };
}

/** Markdown of a hover as plain text for the docs tooltip: code fences dropped, escapes undone. */
export function hoverPlainText(markdown: string): string {
  return markdown
    .split("\n")
    .filter((l) => !/^\s*```/.test(l))
    .join("\n")
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, "$1")
    .trim();
}

/** The cell position of an offset into a code string (the editor hooks get code and a cursor). */
export function codeLineChar(code: string, offset: number): LineChar {
  const before = code.slice(0, Math.max(0, Math.min(offset, code.length)));
  const line = before.split("\n").length - 1;
  return { line, character: before.length - (before.lastIndexOf("\n") + 1) };
}
