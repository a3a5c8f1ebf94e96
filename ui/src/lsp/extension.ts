// The language server in a cell's editor: diagnostics (lint), go to definition (F12 / Ctrl- or
// Cmd-click, across cells), find references (Shift-F12, a panel under the cell), rename (F2, every
// cell), signature help while typing a call. Hover and completions go through the editor's own
// hover and completion sources (EditorHooks.lspHover / lspComplete), merged with the kernel's there.
// The app maps positions between cells and the server's one document; here a position is the
// cell's (line, UTF-16 character), converted with ./positions.
// Not @codemirror/lsp-client: it speaks LSP to one document per client, while here the app does the
// mapping (one virtual document for all cells) and the page speaks Reflow's own protocol; the
// per-cell mapping it would need is what the app already does, so this stays a thin layer.

import { StateEffect, StateField, type Extension } from "@codemirror/state";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorView, keymap, showPanel, showTooltip, ViewPlugin, type Panel, type Tooltip } from "@codemirror/view";
import type { LspDiagnostic, LspRange, LspReplyMsg, LspRequestMsg } from "../protocol";
import { diagnosticsOf, onDiagnostics } from "./diagnostics";
import { hoverPlainText, toLineChar, toOffset } from "./positions";

type LspOp = LspRequestMsg["op"];

interface LspAsk {
  op: LspOp;
  line: number;
  character: number;
  code?: string;
  new_name?: string;
}

export interface LspCellHooks {
  cellId: string;
  ask(req: LspAsk): Promise<LspReplyMsg | null>;
  /** make another cell the selected one in edit mode (its editor is created if it was not) */
  selectCell(id: string): void;
  /** how a cell is named in the references list ("cell 3") */
  cellLabel(id: string): string;
  /** start the notebook's server (once per page; see startup.ts) */
  start(): void;
}

// ---- editors by cell, and jumps waiting for an editor that is not there yet ----------------
const editors = new Map<string, EditorView>();
const pendingJumps = new Map<string, LspRange>();

function select(view: EditorView, loc: LspRange): void {
  const doc = view.state.doc;
  const anchor = toOffset(doc, loc);
  view.dispatch({ selection: { anchor }, effects: EditorView.scrollIntoView(anchor, { y: "center" }) });
  view.focus();
}

function jumpTo(hooks: LspCellHooks, loc: LspRange): void {
  const view = editors.get(loc.id);
  if (loc.id !== hooks.cellId) hooks.selectCell(loc.id);
  if (view) {
    // after the selection's render has moved focus to that cell
    requestAnimationFrame(() => select(view, loc));
  } else {
    pendingJumps.set(loc.id, loc);
  }
}

// ---- a short note at the cursor ("No definition found.") and the signature tooltip ---------
const setNote = StateEffect.define<{ pos: number; text: string; kind: "note" | "signature" } | null>();
const noteField = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setNote)) return e.value ? noteTooltip(e.value.pos, e.value.text, e.value.kind) : null;
    if (value && tr.selection) return null; // moving the cursor dismisses it
    return value && tr.docChanged ? { ...value, pos: tr.changes.mapPos(value.pos) } : value;
  },
  provide: (f) => showTooltip.from(f),
});

function noteTooltip(pos: number, text: string, kind: "note" | "signature"): Tooltip {
  return {
    pos,
    above: true,
    strictSide: false,
    arrow: false,
    create: () => {
      const dom = document.createElement("div");
      dom.className = `cm-lsp-${kind}`;
      dom.dataset.testid = `lsp-${kind}`;
      dom.textContent = text;
      return { dom };
    },
  };
}

function note(view: EditorView, text: string): void {
  view.dispatch({ effects: setNote.of({ pos: view.state.selection.main.head, text, kind: "note" }) });
}

function here(view: EditorView): { line: number; character: number; code: string } {
  return { ...toLineChar(view.state.doc, view.state.selection.main.head), code: view.state.doc.toString() };
}

// ---- go to definition ------------------------------------------------------------------
async function definitionAt(view: EditorView, hooks: LspCellHooks, pos: number): Promise<boolean> {
  const at = toLineChar(view.state.doc, pos);
  const reply = await hooks.ask({ op: "definition", ...at, code: view.state.doc.toString() });
  const target = reply?.ok ? reply.locations?.[0] : undefined;
  if (!target) {
    note(view, reply?.message || "No definition found in the notebook's cells.");
    return true;
  }
  jumpTo(hooks, target);
  return true;
}

// ---- find references: a panel under the cell ----------------------------------------------
const setReferences = StateEffect.define<LspRange[] | null>();

function referencesField(hooks: LspCellHooks) {
  return StateField.define<LspRange[] | null>({
    create: () => null,
    update(value, tr) {
      for (const e of tr.effects) if (e.is(setReferences)) return e.value;
      return value;
    },
    provide: (f) =>
      showPanel.from(f, (refs) => (refs ? (view) => referencesPanel(view, hooks, refs) : null)),
  });
}

function referencesPanel(view: EditorView, hooks: LspCellHooks, refs: LspRange[]): Panel {
  const dom = document.createElement("div");
  dom.className = "cm-lsp-references";
  dom.dataset.testid = "lsp-references";
  const head = document.createElement("div");
  head.className = "cm-lsp-references-head";
  head.textContent = `${refs.length} reference${refs.length === 1 ? "" : "s"} — click to go there, Escape to close`;
  dom.append(head);
  for (const r of refs) {
    const item = document.createElement("button");
    item.type = "button";
    item.className = "cm-lsp-reference";
    item.dataset.testid = "lsp-reference";
    item.textContent = `${hooks.cellLabel(r.id)}, line ${r.line + 1}:${r.character + 1}`;
    item.onmousedown = (e) => e.preventDefault();
    item.onclick = () => jumpTo(hooks, r);
    dom.append(item);
  }
  dom.onkeydown = (e) => {
    if (e.key === "Escape") view.dispatch({ effects: setReferences.of(null) });
  };
  return { dom, top: false };
}

async function references(view: EditorView, hooks: LspCellHooks): Promise<void> {
  const reply = await hooks.ask({ op: "references", ...here(view) });
  if (!reply?.ok || !reply.locations?.length) {
    note(view, reply?.message || "No references found.");
    return;
  }
  view.dispatch({ effects: setReferences.of(reply.locations) });
}

// ---- rename: an input at the cursor; every cell changes through the session -----------------
const setRename = StateEffect.define<{ pos: number; name: string } | null>();

function renameField(hooks: LspCellHooks) {
  return StateField.define<Tooltip | null>({
    create: () => null,
    update(value, tr) {
      for (const e of tr.effects) if (e.is(setRename)) return e.value ? renameTooltip(hooks, e.value.pos, e.value.name) : null;
      return value;
    },
    provide: (f) => showTooltip.from(f),
  });
}

function renameTooltip(hooks: LspCellHooks, pos: number, name: string): Tooltip {
  return {
    pos,
    above: false,
    create: (view) => {
      const dom = document.createElement("div");
      dom.className = "cm-lsp-rename";
      const input = document.createElement("input");
      input.value = name;
      input.spellcheck = false;
      input.dataset.testid = "lsp-rename-input";
      input.setAttribute("aria-label", `Rename ${name} in every cell`);
      const close = () => {
        view.dispatch({ effects: setRename.of(null) });
        view.focus();
      };
      input.onkeydown = (e) => {
        e.stopPropagation();
        if (e.key === "Escape") close();
        if (e.key !== "Enter") return;
        e.preventDefault();
        const newName = input.value.trim();
        const at = toLineChar(view.state.doc, pos);
        close();
        if (!newName || newName === name) return;
        void hooks.ask({ op: "rename", ...at, code: view.state.doc.toString(), new_name: newName }).then((reply) => {
          if (!reply?.ok) note(view, reply?.message || "Rename failed.");
          else if (!reply.changed?.length) note(view, "Nothing to rename here.");
        });
      };
      dom.append(input);
      return { dom, mount: () => (input.focus(), input.select()) };
    },
  };
}

function startRename(view: EditorView): boolean {
  const word = view.state.wordAt(view.state.selection.main.head);
  if (!word) return false;
  view.dispatch({ effects: setRename.of({ pos: word.from, name: view.state.sliceDoc(word.from, word.to) }) });
  return true;
}

// ---- signature help while typing a call ---------------------------------------------------
function signatureOnTyping(hooks: LspCellHooks): Extension {
  let asked = 0;
  return EditorView.updateListener.of((u) => {
    if (!u.docChanged || !u.transactions.some((tr) => tr.isUserEvent("input"))) return;
    let typed = "";
    u.changes.iterChanges((_a, _b, _c, _d, text) => (typed = text.toString()));
    const view = u.view;
    if (typed.endsWith(")")) {
      view.dispatch({ effects: setNote.of(null) });
      return;
    }
    if (!typed.endsWith("(") && !typed.endsWith(",")) return;
    const ticket = ++asked;
    const pos = view.state.selection.main.head;
    void hooks.ask({ op: "signature", ...here(view) }).then((reply) => {
      if (ticket !== asked || !reply?.ok || !reply.signature || view.state.selection.main.head !== pos) return;
      const s = reply.signature;
      const text = s.documentation ? `${s.label}\n\n${s.documentation.split("\n\n")[0]}` : s.label;
      view.dispatch({ effects: setNote.of({ pos, text, kind: "signature" }) });
    });
  });
}

const theme = EditorView.baseTheme({
  ".cm-lsp-note, .cm-lsp-signature": {
    fontFamily: "var(--mono)",
    fontSize: "12px",
    padding: "4px 8px",
    maxWidth: "60em",
    whiteSpace: "pre-wrap",
  },
  ".cm-lsp-rename input": { fontFamily: "var(--mono)", fontSize: "12.5px", padding: "2px 6px", minWidth: "14em" },
  ".cm-lsp-references": { display: "flex", flexDirection: "column", padding: "4px 8px", fontSize: "12px" },
  ".cm-lsp-references-head": { opacity: "0.7", marginBottom: "2px" },
  ".cm-lsp-reference": {
    textAlign: "left",
    background: "none",
    border: "none",
    color: "inherit",
    font: "inherit",
    padding: "1px 0",
    cursor: "pointer",
  },
  ".cm-lsp-reference:hover": { textDecoration: "underline" },
});

/** Everything above for one Python cell's editor. */
export function lspExtension(hooks: LspCellHooks): Extension {
  const registry = ViewPlugin.define((view) => {
    editors.set(hooks.cellId, view);
    const off = onDiagnostics((id) => {
      if (id === hooks.cellId) showDiagnostics(view, id);
    });
    setTimeout(() => {
      if (editors.get(hooks.cellId) !== view) return;
      showDiagnostics(view, hooks.cellId);
      const jump = pendingJumps.get(hooks.cellId);
      if (jump) {
        pendingJumps.delete(hooks.cellId);
        select(view, jump);
      }
    }, 0);
    return {
      destroy() {
        off();
        if (editors.get(hooks.cellId) === view) editors.delete(hooks.cellId);
      },
    };
  });
  return [
    registry,
    lintGutter(),
    noteField,
    referencesField(hooks),
    renameField(hooks),
    signatureOnTyping(hooks),
    theme,
    EditorView.domEventHandlers({
      focus: () => {
        hooks.start(); // the first focus of any editor starts the notebook's server
        return false;
      },
      mousedown: (e, view) => {
        if (!(e.ctrlKey || e.metaKey) || e.button !== 0) return false;
        const pos = view.posAtCoords({ x: e.clientX, y: e.clientY });
        if (pos === null) return false;
        e.preventDefault();
        void definitionAt(view, hooks, pos);
        return true;
      },
    }),
    keymap.of([
      { key: "F12", run: (view) => (void definitionAt(view, hooks, view.state.selection.main.head), true) },
      { key: "Shift-F12", run: (view) => (void references(view, hooks), true) },
      { key: "F2", run: startRename },
      {
        key: "Escape",
        run: (view) => {
          const open = view.state.field(noteField, false);
          if (!open) return false;
          view.dispatch({ effects: setNote.of(null) });
          return true;
        },
      },
    ]),
  ];
}

/** Hover docs from the server (plain text), or null: the editor then asks the kernel. */
export async function lspHover(hooks: LspCellHooks, code: string, line: number, character: number): Promise<string | null> {
  const reply = await hooks.ask({ op: "hover", line, character, code });
  const text = reply?.ok && reply.text ? hoverPlainText(reply.text) : "";
  return text || null;
}

/** Completions from the server for the editor's completion source (merged with the kernel's there). */
export async function lspCompletions(hooks: LspCellHooks, code: string, line: number, character: number) {
  const reply = await hooks.ask({ op: "completion", line, character, code });
  return reply?.ok ? (reply.items ?? []) : [];
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

function showDiagnostics(view: EditorView, cellId: string): void {
  view.dispatch(setDiagnostics(view.state, lintDiagnostics(view, diagnosticsOf(cellId))));
}
