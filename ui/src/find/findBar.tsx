// The notebook's find and replace bar (Ctrl/⌘-F): searches every cell's code as the store holds
// it (cells far from the screen have no editor), steps through the matches, replaces one or
// all as one transaction (the path every structural change takes), which Undo reverts.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Controller } from "../controller";
import { loadedEditor } from "../editorLoader";
import type { CellChange } from "../protocol";
import type { State } from "../store";
import { findMatches, inverseChanges, queryRegExp, replaceAllChanges, replaceOne, stepMatch, type FindOptions, type Match } from "./find";

interface Undo {
  before: Map<string, string>;
  changes: CellChange[];
}

/** Show a match: select its cell, bring it on screen, select the text once the cell has an editor. */
function reveal(ctl: Controller, m: Match, keepFocus: HTMLElement | null): void {
  const c = ctl.store.get().cells[m.id];
  if (!c) return;
  const codeShown = c.kind === "code" && c.options.hide_code !== true;
  ctl.store.local({ type: "select", id: m.id, editing: !codeShown }); // hidden code / markdown: open it
  let frames = 0;
  const step = () => {
    const el = document.getElementById(`cell-${m.id}`);
    if (frames === 0) el?.scrollIntoView({ block: "center" });
    const dom = el?.querySelector<HTMLElement>(".cm-editor");
    const view = dom ? (loadedEditor()?.EditorView.findFromDOM(dom) ?? null) : null;
    if (view) {
      const len = view.state.doc.length;
      view.dispatch({ selection: { anchor: Math.min(m.from, len), head: Math.min(m.to, len) }, scrollIntoView: true });
    }
    if (!view && frames++ < 60) requestAnimationFrame(step);
    else keepFocus?.focus({ preventScroll: true });
  };
  requestAnimationFrame(step);
}

export function FindBar({ controller: ctl, state: s, close }: { controller: Controller; state: State; close(): void }) {
  const [query, setQuery] = useState(() => window.getSelection()?.toString().split("\n")[0] ?? "");
  const [replacement, setReplacement] = useState("");
  const [opts, setOpts] = useState<FindOptions>({ caseSensitive: false, regex: false });
  const [current, setCurrent] = useState(-1);
  const [undo, setUndo] = useState<Undo | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const cells = useMemo(() => s.order.map((id) => s.cells[id]).filter((c) => !!c), [s.order, s.cells]);
  const matches = useMemo(() => findMatches(cells, query, opts), [cells, query, opts]);
  const bad = query ? queryRegExp(query, opts) : null;
  const error = typeof bad === "string" ? bad : null;
  const readOnly = s.readOnly;

  useLayoutEffect(() => {
    // before the next key event: keys typed right after Ctrl/⌘-F land here, not in the editor
    input.current?.focus();
    input.current?.select();
  }, []);
  useEffect(() => setCurrent(-1), [query, opts]);
  useEffect(() => {
    if (current >= matches.length) setCurrent(matches.length ? matches.length - 1 : -1);
  }, [matches.length]);

  const go = (dir: 1 | -1) => {
    const i = stepMatch(matches.length, current, dir);
    setCurrent(i);
    if (i >= 0) reveal(ctl, matches[i], input.current);
  };

  const apply = (changes: CellChange[]) => {
    if (!changes.length) return;
    const before = new Map(changes.map((ch) => [ch.id, ctl.store.get().cells[ch.id]?.code ?? ""]));
    if (ctl.transaction(changes)) setUndo({ before, changes });
  };

  const replaceCurrent = () => {
    const i = current >= 0 ? current : 0;
    const m = matches[i];
    if (!m) return;
    const code = ctl.store.get().cells[m.id]?.code;
    if (code === undefined) return;
    apply([{ op: "set_code", id: m.id, code: replaceOne(code, m, query, replacement, opts) }]);
    setCurrent(i - 1); // the next press of Next lands on the match after the replaced one
  };

  const replaceAll = () => {
    apply(replaceAllChanges(cells, query, replacement, opts));
    input.current?.focus(); // the button disables itself (no matches left): the keyboard stays here
  };

  // Esc closes the bar from wherever the keyboard is, unless an editor or another field has it
  useEffect(() => {
    const onEsc = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const elsewhere = !!t?.closest?.(".cm-editor, input, textarea, select, [role=dialog]") && !t?.closest?.(".find-bar");
      if (e.key === "Escape" && !elsewhere) close();
    };
    document.addEventListener("keydown", onEsc);
    return () => document.removeEventListener("keydown", onEsc);
  }, [close]);

  const undoReplace = () => {
    if (!undo) return;
    const inverse = inverseChanges(undo.before, undo.changes, (id) => ctl.store.get().cells[id]?.code);
    if (inverse.length) ctl.transaction(inverse);
    setUndo(null);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      go(e.shiftKey ? -1 : 1);
    }
  };

  const count = !query ? "" : error ? "bad pattern" : matches.length === 0 ? "No results" : `${current >= 0 ? current + 1 : "?"} of ${matches.length}`;

  return (
    <div class="find-bar" role="search" aria-label="Find in notebook">
      <div class="find-row">
        <input
          ref={input}
          class="find-input"
          placeholder="Find in notebook"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          onKeyDown={onKey}
          aria-label="Find"
          title={error ?? undefined}
          spellcheck={false}
        />
        <button class={`find-opt ${opts.caseSensitive ? "on" : ""}`} title="Match case" aria-pressed={opts.caseSensitive} onClick={() => setOpts({ ...opts, caseSensitive: !opts.caseSensitive })}>
          Aa
        </button>
        <button class={`find-opt ${opts.regex ? "on" : ""}`} title="Regular expression" aria-pressed={opts.regex} onClick={() => setOpts({ ...opts, regex: !opts.regex })}>
          .*
        </button>
        <span class="find-count" data-count={error ? -1 : matches.length} data-current={current + 1}>
          {count}
        </span>
        <button class="btn small" onClick={() => go(-1)} disabled={!matches.length} title="Previous match (Shift-Enter)" data-action="find-prev">
          ↑
        </button>
        <button class="btn small" onClick={() => go(1)} disabled={!matches.length} title="Next match (Enter)" data-action="find-next">
          ↓
        </button>
        <button class="icon-btn find-close" onClick={close} title="Close (Esc)" aria-label="Close find">
          ×
        </button>
      </div>
      {!readOnly && (
        <div class="find-row">
          <input
            class="find-input replace-input"
            placeholder="Replace with"
            value={replacement}
            onInput={(e) => setReplacement((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                replaceCurrent();
              }
            }}
            aria-label="Replace"
            spellcheck={false}
          />
          <button class="btn small" onClick={replaceCurrent} disabled={!matches.length} data-action="replace-one">
            Replace
          </button>
          <button class="btn small" onClick={replaceAll} disabled={!matches.length} data-action="replace-all">
            Replace all
          </button>
          {undo && (
            <button class="btn small" onClick={undoReplace} data-action="undo-replace" title="Put the replaced text back">
              Undo
            </button>
          )}
        </div>
      )}
    </div>
  );
}
