// The language server's diagnostics, per cell, as the last `lsp_diagnostics` said; editors of
// Python cells show them with CodeMirror's lint (underline + message under the code on hover).

import { setDiagnostics, type Diagnostic } from "@codemirror/lint";
import type { EditorView } from "@codemirror/view";
import type { LspDiagnostic } from "../protocol";
import { toOffset } from "./positions";

type Listener = (cellId: string) => void;

const byCell = new Map<string, LspDiagnostic[]>();
const listeners = new Set<Listener>();

/** Take a whole `lsp_diagnostics` message: cells not named keep nothing. */
export function publishDiagnostics(cells: Record<string, LspDiagnostic[]>): void {
  const touched = new Set<string>([...byCell.keys(), ...Object.keys(cells)]);
  byCell.clear();
  for (const [id, list] of Object.entries(cells)) if (Array.isArray(list) && list.length) byCell.set(id, list);
  for (const id of touched) for (const l of listeners) l(id);
}

function diagnosticsOf(cellId: string): LspDiagnostic[] {
  return byCell.get(cellId) ?? [];
}

export function onDiagnostics(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A cell's diagnostics as CodeMirror lint diagnostics on the editor's current text. */
function lintDiagnostics(view: EditorView, list: LspDiagnostic[]): Diagnostic[] {
  const doc = view.state.doc;
  return list.map((d) => {
    const from = toOffset(doc, { line: d.line, character: d.character });
    let to = toOffset(doc, { line: d.end_line, character: d.end_character });
    if (to <= from) to = Math.min(doc.length, from + 1);
    return {
      from,
      to,
      severity: d.severity === "hint" ? "hint" : d.severity,
      message: d.message,
      source: d.source || undefined,
    };
  });
}

export function showDiagnostics(view: EditorView, cellId: string): void {
  view.dispatch(setDiagnostics(view.state, lintDiagnostics(view, diagnosticsOf(cellId))));
}
