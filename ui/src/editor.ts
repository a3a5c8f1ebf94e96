// CodeMirror 6 editors for cells. One shared set of extensions; colours come
// from CSS variables so the light/dark switch needs no reconfiguration.

import { autocompletion, closeBrackets, closeCompletion, completionStatus, startCompletion, closeBracketsKeymap, completionKeymap, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Annotation, Compartment, EditorState, Facet, Prec, StateEffect, StateField, Transaction, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  hoverTooltip,
  keymap,
  placeholder,
  showTooltip,
  type Tooltip,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { stripAnsi } from "./ansi";

const LSP_COMPLETION_WAIT_MS = 500;
type LspItem = { label: string; type: string; detail?: string };

export interface EditorHooks {
  onChange(code: string): void;
  onRun(mode: "in-place" | "next"): void;
  onEscape(): void;
  onFocus(): void;
  onSave(): void;
  /** arrow key at the first/last line: move to the neighbour cell */
  onLeave(dir: -1 | 1): boolean;
  complete(code: string, cursor: number): Promise<{ matches: string[]; from: number; to: number } | null>;
  inspect(code: string, cursor: number): Promise<string | null>;
  /** the notebook's language server (ui/src/lsp): hover docs first, completions merged after the kernel's */
  lspHover?(code: string, cursor: number): Promise<string | null>;
  lspComplete?(code: string, cursor: number): Promise<LspItem[]>;
  /** more extensions for a code cell's editor (the language server's) */
  extensions?: Extension[];
}

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword, t.definitionKeyword], color: "var(--syn-keyword)" },
  { tag: [t.string, t.special(t.string)], color: "var(--syn-string)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--syn-number)" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName)), t.function(t.propertyName)], color: "var(--syn-function)" },
  { tag: [t.definition(t.variableName), t.definition(t.propertyName)], color: "var(--syn-def)" },
  { tag: [t.className, t.definition(t.className), t.typeName], color: "var(--syn-class)" },
  { tag: [t.self, t.special(t.variableName)], color: "var(--syn-self)" },
  { tag: [t.operator, t.punctuation, t.bracket], color: "var(--syn-punct)" },
  { tag: t.meta, color: "var(--syn-meta)" },
  { tag: t.propertyName, color: "var(--syn-prop)" },
  { tag: t.heading, fontWeight: "600", color: "var(--syn-keyword)" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "600" },
  { tag: t.link, color: "var(--syn-string)", textDecoration: "underline" },
  { tag: t.invalid, color: "var(--err)" },
]);

const baseTheme = EditorView.theme({
  "&": { backgroundColor: "transparent", color: "var(--fg)", fontSize: "var(--code-size)" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55" },
  ".cm-content": { padding: "8px 0", caretColor: "var(--accent)" },
  ".cm-line": { padding: "0 12px" },
  ".cm-cursor": { borderLeftColor: "var(--accent)", borderLeftWidth: "2px" },
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused .cm-activeLine": { backgroundColor: "var(--active-line)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection) !important" },
  ".cm-matchingBracket": { backgroundColor: "var(--bracket-match)", outline: "none" },
  ".cm-selectionMatch": { backgroundColor: "var(--selection-match)" },
  ".cm-placeholder": { color: "var(--fg-faint)", fontStyle: "italic" },
  ".cm-tooltip": {
    border: "1px solid var(--border)",
    backgroundColor: "var(--panel)",
    color: "var(--fg)",
    borderRadius: "8px",
    boxShadow: "var(--shadow)",
    overflow: "hidden",
  },
  ".cm-tooltip-autocomplete > ul": { fontFamily: "var(--mono)", fontSize: "12.5px", maxHeight: "16em" },
  ".cm-tooltip-autocomplete > ul > li": { padding: "2px 10px !important" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent)", color: "var(--on-accent)" },
  ".cm-completionMatchedText": { textDecoration: "none", fontWeight: "600" },
  ".cm-tooltip.cm-docs": { maxWidth: "min(640px, 80vw)" },
});

// ---- docs tooltip (Shift-Tab) -------------------------------------------------------

const setDocs = StateEffect.define<{ pos: number; text: string } | null>();
const docsField = StateField.define<Tooltip | null>({
  create: () => null,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setDocs)) return e.value ? docsTooltip(e.value.pos, e.value.text) : null;
    if (value && (tr.docChanged || tr.selection)) return null;
    return value;
  },
  provide: (f) => showTooltip.from(f),
});

function docsDom(text: string): HTMLElement {
  const dom = document.createElement("div");
  dom.className = "docs-tooltip";
  const pre = document.createElement("pre");
  const clean = stripAnsi(text);
  pre.textContent = clean.length > 6000 ? clean.slice(0, 6000) + "\n…" : clean;
  dom.appendChild(pre);
  return dom;
}

function docsTooltip(pos: number, text: string): Tooltip {
  return { pos, above: false, strictSide: false, arrow: false, create: () => ({ dom: docsDom(text) }) };
}

/** Whether `state`'s text is `code` with text inserted at `pos` and nothing else changed (the user typed on). */
function typedOn(state: EditorState, code: string, pos: number): boolean {
  const now = state.doc.toString();
  return now.length >= code.length && now.startsWith(code.slice(0, pos)) && now.endsWith(code.slice(pos));
}

/** Identifier-ish cursor position for inspect: end of the word under / before the cursor. */
function inspectPos(state: EditorState, pos: number): number {
  const word = state.wordAt(pos);
  return word ? word.to : pos;
}

// ---- code from elsewhere --------------------------------------------------------------
// A change the store brings (another page, the file, undo of a delete) is dispatched with
// these annotations, as @codemirror/collab tags other people's changes: the update listener
// reports only the user's own changes (onChange), so code from elsewhere never goes back to
// the server as if it had been typed here. No flag around `dispatch`.

/** The editor's count of changes from elsewhere applied so far (its synced version). */
const externalVersion = Annotation.define<number>();
const EXTERNAL_EVENT = "external"; // Transaction.userEvent of such a change

/** The user's own change (typing, paste, undo, vim, commands), as opposed to code from elsewhere. */
function isOwnEdit(tr: Transaction): boolean {
  return tr.docChanged && tr.annotation(externalVersion) === undefined && !tr.isUserEvent(EXTERNAL_EVENT) && !tr.annotation(Transaction.remote);
}

/** The smallest replacement that turns `from` into `to` (the cursor outside it stays where it was). */
function replacement(from: string, to: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++;
  return { from: start, to: from.length - end, insert: to.slice(start, to.length - end) };
}

// ---- factory ---------------------------------------------------------------------

export interface CellEditor {
  view: EditorView;
  /** Code from elsewhere (another page, the file): shown, never reported back as typed. */
  setCode(code: string): void;
  setReadOnly(ro: boolean): void;
  /** Python or SQL (an SQL cell: options.language = "sql"), switched in place. */
  setLanguage(language: CodeLanguage): void;
  focus(atEnd?: boolean): void;
  destroy(): void;
}

const readOnlyCompartment = new Compartment();
const languageCompartment = new Compartment();

type CodeLanguage = "python" | "sql";

/** SQL cells: DuckDB's dialect is close to PostgreSQL's (keywords, quoting); kernel completion is Python's. */
function languageExtension(language: CodeLanguage, pythonCompletion: Extension): Extension {
  return language === "sql" ? [sql({ dialect: PostgreSQL, upperCaseKeywords: true }), placeholder("SELECT * FROM df")] : [python(), pythonCompletion, placeholder("# code")];
}

// ---- keymap (Settings): default or vim, switched live in every editor ----------------

/** The editor's hooks, readable by extensions shared between editors (the vim guard). */
const hooksFacet = Facet.define<EditorHooks, EditorHooks | null>({ combine: (xs) => xs[0] ?? null });
const keymapCompartment = new Compartment();
const liveViews = new Set<EditorView>();
let keymapChoice: "default" | "vim" = "default";
let vimExtension: Extension | null = null;
type VimState = { insertMode?: boolean; visualMode?: boolean; inputState?: { keyBuffer?: unknown[] } };
let vimStateOf: ((view: EditorView) => VimState | null) | null = null;

/** Escape: close what is open (completion list, docs) first, then leave the editor. */
function escape(view: EditorView, hooks: EditorHooks): boolean {
  if (completionStatus(view.state) !== null) return closeCompletion(view);
  if (view.state.field(docsField, false)) {
    view.dispatch({ effects: setDocs.of(null) });
    return true;
  }
  hooks.onEscape();
  return true;
}

/**
 * Runs before vim sees a key: Shift/Mod-Enter still run the cell, and Escape leaves the
 * editor only from vim's normal mode (from insert/visual mode it is vim's Escape).
 */
// The text each editor last asked a run for. The list typing would open for that text is not wanted: CodeMirror
// asks ~100 ms after the last key, by then after the Shift-Enter, and the request would take the kernel's CPU
// from the run beside it (a session's first completion imports jedi: half a second of CPU against the cell).
const ranText = new WeakMap<EditorView, string>();

/** Shift/Mod-Enter: the run, and no completion list for the text it runs. */
function askRun(view: EditorView, hooks: EditorHooks, mode: "in-place" | "next"): boolean {
  ranText.set(view, view.state.doc.toString());
  closeCompletion(view);
  hooks.onRun(mode);
  return true;
}

const vimGuard = Prec.highest(
  EditorView.domEventHandlers({
    keydown(e, view) {
      const hooks = view.state.facet(hooksFacet);
      if (!hooks || e.isComposing) return false;
      const mod = e.ctrlKey || e.metaKey;
      let handled = false;
      if (e.key === "Enter" && (e.shiftKey || mod) && !e.altKey) {
        handled = askRun(view, hooks, e.shiftKey && !mod ? "next" : "in-place");
      } else if (e.key === "Escape" && !mod && !e.shiftKey) {
        const vim = vimStateOf?.(view);
        const busy = !!vim && (vim.insertMode || vim.visualMode || (vim.inputState?.keyBuffer?.length ?? 0) > 0);
        if (!busy) handled = escape(view, hooks);
      }
      if (handled) e.preventDefault();
      return handled;
    },
  }),
);

function keymapExtension(): Extension {
  return keymapChoice === "vim" && vimExtension ? [vimGuard, Prec.highest(vimExtension)] : [];
}

/** Switch every editor (and the ones made later) to a keymap; vim is loaded on first use. */
export async function setEditorKeymap(choice: string): Promise<void> {
  keymapChoice = choice === "vim" ? "vim" : "default";
  if (keymapChoice === "vim" && !vimExtension) {
    const mod = await import("@replit/codemirror-vim");
    vimExtension = mod.vim();
    vimStateOf = (view) => (mod.getCM(view)?.state as { vim?: VimState } | undefined)?.vim ?? null;
  }
  for (const view of liveViews) view.dispatch({ effects: keymapCompartment.reconfigure(keymapExtension()) });
}

export function createEditor(
  parent: HTMLElement,
  doc: string,
  kind: "code" | "markdown",
  hooks: EditorHooks,
  readOnly = false,
  language: CodeLanguage = "python",
): CellEditor {
  let synced = 0; // changes from elsewhere applied (externalVersion)
  let lateLsp: { code: string; pos: number; items: LspItem[] } | null = null; // a completion answer that came late

  const completionSource = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const word = ctx.matchBefore(/[\w.]*$/);
    if (!ctx.explicit && (!word || word.from === word.to || !/[\w.]$/.test(word.text))) return null;
    const code = ctx.state.doc.toString();
    if (!ctx.explicit && ctx.view && ranText.get(ctx.view) === code) return null; // a run was asked for this text
    // the language server's answer joins if it comes within LSP_COMPLETION_WAIT_MS (never holds the kernel's
    // back long); a later answer for the same text and cursor is kept and the list asked for again
    const cached = lateLsp && lateLsp.code === code && lateLsp.pos === ctx.pos ? lateLsp.items : null;
    lateLsp = null;
    const lspCall = !cached && hooks.lspComplete ? hooks.lspComplete(code, ctx.pos).catch((): LspItem[] => []) : null;
    const waited = () => new Promise<null>((r) => setTimeout(() => r(null), LSP_COMPLETION_WAIT_MS));
    const served = cached ? Promise.resolve(cached) : lspCall ? Promise.race([lspCall, waited()]) : Promise.resolve([]);
    const [reply, lspGot] = await Promise.all([hooks.complete(code, ctx.pos), served]);
    const lspItems = lspGot ?? [];
    const late = lspGot === null && lspCall !== null; // the server had not answered in time
    if (late && ctx.view) {
      const view = ctx.view;
      const stillHere = () => view.state.doc.toString() === code && view.state.selection.main.head === ctx.pos;
      void lspCall.then((items) => {
        if (!items.length || !stillHere()) return;
        lateLsp = { code, pos: ctx.pos, items };
        // not from inside this query: while it is still CodeMirror's running query for this source, a new
        // start is folded into it, and its result (without these items) would end the list
        setTimeout(() => {
          if (lateLsp && stillHere() && ranText.get(view) !== code) startCompletion(view);
        }, 0);
      });
    }
    if (ctx.aborted) return null;
    // The text changed while the kernel was asked: an answer for text only typed on still fits (CodeMirror
    // filters it by what was added), any other is for text no longer there. CodeMirror would keep that one
    // too, valid for whatever word is typed where it started (an explicit ask), and ask nothing more: after
    // deleting `ran_v` and typing `never_ran` no list came at all. No answer: the next key asks again.
    if (ctx.view && !typedOn(ctx.view.state, code, ctx.pos)) return null;
    // the kernel's first (it knows the runtime objects), then the language server's it did not name
    const ident = ctx.pos - (ctx.matchBefore(/\w*$/)?.text.length ?? 0);
    const kernelFrom = reply?.matches.length ? reply.from : ident; // no matches: its range means nothing
    const from = Math.min(kernelFrom, ident);
    const prefix = code.slice(from, ident);
    const options: Completion[] = (reply?.matches ?? []).slice(0, 200).map((m) => ({ label: m, type: m.endsWith("(") ? "function" : "variable" }));
    const seen = new Set(options.map((o) => o.label.replace(/\($/, "")));
    if (kernelFrom <= ident) {
      for (const item of lspItems) {
        const label = prefix + item.label;
        if (seen.has(label)) continue;
        seen.add(label);
        options.push({ label, type: item.type, ...(item.detail ? { detail: item.detail } : {}) });
      }
    }
    if (!options.length) return null;
    // without the server's items yet, typing on asks again (validFor would keep filtering this list)
    return { from, to: reply?.matches.length ? reply.to : ctx.pos, options: options.slice(0, 300), ...(late ? {} : { validFor: /^[\w]*$/ }) };
  };

  const runKeys = Prec.highest(
    keymap.of([
      { key: "Shift-Enter", run: (view) => askRun(view, hooks, "next") },
      { key: "Mod-Enter", run: (view) => askRun(view, hooks, "in-place") },
      { key: "Mod-s", run: () => (hooks.onSave(), true), preventDefault: true },
      {
        key: "Escape",
        run: (view) => escape(view, hooks),
      },
      {
        key: "Shift-Tab",
        run: (view) => {
          const sel = view.state.selection.main;
          if (!sel.empty) return false; // let indentLess handle a selection
          closeCompletion(view);
          const pos = inspectPos(view.state, sel.head);
          void hooks.inspect(view.state.doc.toString(), pos).then((text) => {
            view.dispatch({ effects: setDocs.of(text ? { pos: sel.head, text } : { pos: sel.head, text: "No documentation found." }) });
          });
          return true;
        },
      },
      {
        key: "ArrowUp",
        run: (view) => {
          const sel = view.state.selection.main;
          if (!sel.empty || view.state.doc.lineAt(sel.head).number !== 1) return false;
          return hooks.onLeave(-1);
        },
      },
      {
        key: "ArrowDown",
        run: (view) => {
          const sel = view.state.selection.main;
          if (!sel.empty || view.state.doc.lineAt(sel.head).number !== view.state.doc.lines) return false;
          return hooks.onLeave(1);
        },
      },
    ]),
  );

  const hover = hoverTooltip(
    async (view, pos) => {
      if (kind !== "code") return null;
      const word = view.state.wordAt(pos);
      if (!word) return null;
      const code = view.state.doc.toString();
      const text = (await hooks.lspHover?.(code, word.to)) || (await hooks.inspect(code, word.to));
      if (!text) return null;
      return { pos: word.from, end: word.to, above: true, create: () => ({ dom: docsDom(text) }) };
    },
    { hoverTime: 650 },
  );

  const extensions: Extension[] = [
    keymapCompartment.of(keymapExtension()),
    hooksFacet.of(hooks),
    runKeys,
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    indentUnit.of("    "),
    EditorState.tabSize.of(4),
    syntaxHighlighting(highlight),
    baseTheme,
    docsField,
    EditorView.lineWrapping,
    readOnlyCompartment.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
    EditorView.updateListener.of((u) => {
      if (u.transactions.some(isOwnEdit)) hooks.onChange(u.state.doc.toString());
      if (u.focusChanged && u.view.hasFocus) hooks.onFocus();
    }),
  ];
  const pythonCompletion = autocompletion({ override: [completionSource], activateOnTyping: true, closeOnBlur: true });
  if (kind === "code") {
    extensions.push(languageCompartment.of(languageExtension(language, pythonCompletion)), hover, ...(hooks.extensions ?? []));
  } else {
    extensions.push(placeholder("Markdown text — Shift-Enter to render"));
  }

  const view = new EditorView({ state: EditorState.create({ doc, extensions }), parent });
  liveViews.add(view);
  return {
    view,
    setCode(code: string) {
      const cur = view.state.doc.toString();
      if (cur === code) return;
      synced += 1;
      view.dispatch({
        changes: replacement(cur, code),
        annotations: [externalVersion.of(synced), Transaction.remote.of(true), Transaction.userEvent.of(EXTERNAL_EVENT)],
      });
    },
    setReadOnly(ro: boolean) {
      view.dispatch({ effects: readOnlyCompartment.reconfigure([EditorState.readOnly.of(ro), EditorView.editable.of(!ro)]) });
    },
    setLanguage(next: CodeLanguage) {
      if (kind !== "code" || next === language) return;
      language = next;
      view.dispatch({ effects: languageCompartment.reconfigure(languageExtension(next, pythonCompletion)) });
    },
    focus(atEnd = false) {
      view.focus();
      if (atEnd) view.dispatch({ selection: { anchor: view.state.doc.length } });
    },
    destroy() {
      liveViews.delete(view);
      view.destroy();
    },
  };
}
