// The language server's diagnostics, per cell, as the last `lsp_diagnostics` said; editors of
// Python cells show them with CodeMirror's lint (underline + message under the code on hover; extension.ts).
// No CodeMirror here: the page keeps them before its editors have loaded (editorLoader.ts).

import type { LspDiagnostic } from "../protocol";

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

export function diagnosticsOf(cellId: string): LspDiagnostic[] {
  return byCell.get(cellId) ?? [];
}

export function onDiagnostics(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
