// One cell: status, toolbar, code (CodeMirror, created when the cell nears the
// viewport), rendered markdown, static errors and outputs.

import { memo } from "./memo";
import { useContext, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { CellEditor } from "../editor";
import { loadedEditor, loadEditor } from "../editorLoader";
import { renderMarkdown } from "../markdown";
import { displayStatus, type Cell } from "../store";
import { Icon } from "./icons";
import { ErrorView, Outputs } from "./outputs";
import { MutationHint } from "./dependencies";
import { UiContext } from "./context";
import { useTyping } from "./typingPause";
import { cachedBadgeText, mayHaveCache } from "../cache";
import { formatElapsed, formatRunTime } from "../runTime";
import { isSql } from "../sqlCells";
import { SqlHead } from "./sqlHead";
import { OutputHistory } from "../history/historyPanel";

// ---- lazy editor creation ---------------------------------------------------------

// One observer watches the code areas still waiting for an editor -- only those of the blocks
// near the viewport (cellBlocks.ts): a second observer watches the blocks, so the browser checks
// ~40 blocks and a few dozen cells per frame, not every waiting cell of a 2,000-cell notebook.

type Waker = () => void;
const NEAR = "800px 0px";
const wakers = new WeakMap<Element, Waker>();
const blockOf = new WeakMap<Element, Element>(); // host -> its block, when observed
const waiting = new Map<Element, Set<Element>>(); // block -> its cells' hosts still waiting
const nearBlocks = new Set<Element>();
let cellObserver: IntersectionObserver | null = null;
let blockObserver: IntersectionObserver | null = null;

function observers(): [IntersectionObserver, IntersectionObserver] {
  if (!cellObserver || !blockObserver) {
    const cells = (cellObserver = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          const w = wakers.get(e.target);
          if (w) {
            forget(e.target);
            w();
          }
        }
      },
      { rootMargin: NEAR },
    ));
    blockObserver = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const hosts = waiting.get(e.target);
          if (e.isIntersecting) nearBlocks.add(e.target);
          else nearBlocks.delete(e.target);
          for (const host of hosts ?? []) {
            if (e.isIntersecting) cells.observe(host);
            else cells.unobserve(host);
          }
        }
      },
      { rootMargin: NEAR },
    );
  }
  return [cellObserver, blockObserver];
}

function forget(el: Element) {
  wakers.delete(el);
  cellObserver?.unobserve(el);
  const block = blockOf.get(el);
  blockOf.delete(el);
  const hosts = block && waiting.get(block);
  if (!block || !hosts) return;
  hosts.delete(el);
  if (hosts.size === 0) {
    waiting.delete(block);
    nearBlocks.delete(block);
    blockObserver?.unobserve(block);
  }
}

function observe(el: Element, wake: Waker): () => void {
  if (typeof IntersectionObserver !== "function") {
    wake();
    return () => {};
  }
  const [cells, blocks] = observers();
  wakers.set(el, wake);
  const block = el.closest(".cell-block");
  if (!block) cells.observe(el);
  else {
    blockOf.set(el, block);
    const hosts = waiting.get(block);
    if (hosts) {
      hosts.add(el);
      if (nearBlocks.has(block)) cells.observe(el);
    } else {
      waiting.set(block, new Set([el]));
      blocks.observe(block); // its first report says whether it is near
    }
  }
  return () => forget(el);
}

const STATUS_LABEL: Record<string, string> = {
  idle: "",
  queued: "queued",
  running: "running",
  stale: "stale",
  edited: "edited",
  error: "error",
  "ancestor-error": "ancestor failed",
  interrupted: "interrupted",
  disabled: "disabled",
  cancelled: "cancelled",
};

export interface CellProps {
  cell: Cell;
  index: number;
  selected: boolean;
  editing: boolean;
  readOnly: boolean;
  outputAbove: boolean;
  related: "ancestor" | "descendant" | null;
  isLast: boolean;
  /** the kernel died while this cell was running */
  crashed?: boolean;
}

/** Typing goes to something outside the cells (the find bar, a palette, a dialog's field): a cell
 * selected meanwhile (stepping through matches, a server event) leaves the keyboard there. */
function typingOutsideCells(): boolean {
  const active = document.activeElement as HTMLElement | null;
  if (!active || active.closest(".cell")) return false;
  return !!active.closest("input, textarea, select, [contenteditable=true], [role=dialog], [role=search]");
}

export const CellView = memo(function CellView(p: CellProps) {
  const { cell, selected, editing, readOnly } = p;
  const ui = useContext(UiContext);
  const ctl = ui.controller;
  const hostRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CellEditor | null>(null);
  const [hasEditor, setHasEditor] = useState(false);
  const [wantEditor, setWantEditor] = useState(() => p.selected && p.editing);
  const hideCode = cell.options.hide_code === true;
  const disabled = cell.options.disabled === true;
  const isMd = cell.kind === "markdown";
  const mdRendered = isMd && !(selected && editing) && cell.code.trim() !== "";
  const codeVisible = !readOnly && !mdRendered && (!hideCode || (selected && editing));
  const status = displayStatus(cell);

  // latest props for editor callbacks (the editor is created once)
  const latest = useRef(p);
  latest.current = p;

  // create the editor when the code area comes near the viewport (or is being edited)
  useLayoutEffect(() => {
    if (!codeVisible || wantEditor || !hostRef.current) return;
    if (selected && editing) {
      setWantEditor(true);
      return;
    }
    return observe(hostRef.current, () => setWantEditor(true));
  }, [codeVisible, wantEditor, selected, editing]);

  // CodeMirror comes in its own chunk (editorLoader.ts): the first editor waits for it, later ones do not
  const [, setChunkLoaded] = useState(false);
  useLayoutEffect(() => {
    if (!wantEditor || !codeVisible || editorRef.current || !hostRef.current) return;
    const chunk = loadedEditor();
    if (!chunk) {
      let live = true;
      loadEditor().then(
        () => live && setChunkLoaded(true),
        (err: unknown) => console.warn("reflow: the editor did not load:", err),
      );
      return () => {
        live = false;
      };
    }
    const host = hostRef.current;
    host.textContent = "";
    const id = cell.id;
    editorRef.current = chunk.createEditor(
      host,
      cell.code,
      cell.kind,
      {
        onChange: (code) => ctl.editCode(id, code),
        onRun: (mode) => {
          if (mode === "next") ctl.runAndNext(id);
          else {
            ctl.run([id]);
            if (latest.current.cell.kind === "markdown") ctl.store.local({ type: "set_editing", editing: false });
          }
        },
        onEscape: () => {
          // leave the editor at once: the next key press is a command
          editorRef.current?.view.contentDOM.blur();
          rootRef.current?.focus({ preventScroll: true });
          ctl.store.local({ type: "set_editing", editing: false });
        },
        onFocus: () => {
          const s = ctl.store.get();
          if (s.selected !== id || !s.editing) ctl.store.local({ type: "select", id, editing: true });
        },
        onSave: () => ctl.save(),
        onLeave: (dir) => {
          const s = ctl.store.get();
          const i = s.order.indexOf(id);
          const next = s.order[i + dir];
          if (!next) return false;
          ctl.store.local({ type: "select", id: next, editing: true });
          return true;
        },
        complete: async (code, cursor) => {
          const r = await ctl.complete(id, code, cursor);
          if (!r) return null;
          return { matches: r.matches, from: r.cursor_start, to: r.cursor_end };
        },
        inspect: async (code, cursor) => {
          const r = await ctl.inspect(id, code, cursor);
          return r && r.found ? r.text : null;
        },
        ...(cell.kind === "code" ? chunk.lspEditorHooks(ctl, id) : {}), // the language server (ui/src/lsp)
      },
      readOnly,
      isSql(cell.options) ? "sql" : "python",
    );
    setHasEditor(true);
  }, [wantEditor, codeVisible, loadedEditor() !== null]);
  const sqlCell = !isMd && isSql(cell.options);
  useEffect(() => editorRef.current?.setLanguage(sqlCell ? "sql" : "python"), [sqlCell, hasEditor]);

  // destroy the editor when the code area goes away (rendered markdown, hidden code)
  useLayoutEffect(() => {
    if (!codeVisible && editorRef.current) {
      editorRef.current.destroy();
      editorRef.current = null;
      setHasEditor(false);
      setWantEditor(false);
    }
  }, [codeVisible]);
  useEffect(() => () => editorRef.current?.destroy(), []);

  // code changed elsewhere (reload from disk, undo): update the editor
  // (only on `rev`: the store's copy of typed code lags the editor by a frame)
  useEffect(() => {
    // the store's code now, not this render's: a key typed since the render is in the store already
    editorRef.current?.setCode(ctl.store.get().cells[cell.id]?.code ?? cell.code);
  }, [cell.rev, hasEditor]);

  useEffect(() => {
    editorRef.current?.setReadOnly(readOnly);
  }, [readOnly, hasEditor]);

  // focus follows edit mode
  useLayoutEffect(() => {
    const ed = editorRef.current;
    if (selected && editing) {
      if (ed && !ed.view.hasFocus) ed.focus();
    } else if (ed && ed.view.hasFocus) {
      ed.view.contentDOM.blur();
    }
  }, [selected, editing, hasEditor]);

  // command mode: the selected cell holds the keyboard. A layout effect, so it is settled before the
  // next key: run after paint, it took the keyboard from a palette opened by the key after Esc, and
  // the palette's query went to the notebook as commands ("m" made the cell markdown).
  useLayoutEffect(() => {
    if (selected && !editing && rootRef.current && document.activeElement !== rootRef.current && !typingOutsideCells()) {
      rootRef.current.focus({ preventScroll: true });
    }
  }, [selected, editing]);

  const select = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest("button, a, .cm-editor, input, select")) return;
    if (!selected) ctl.store.local({ type: "select", id: cell.id, editing: false });
  };

  const toolbar = !readOnly && (
    <div class="cell-toolbar" onMouseDown={(e) => e.preventDefault()}>
      <button class="tb-btn run" title={isMd ? "Render (Shift-Enter)" : "Run (Ctrl/⌘-Enter)"} onClick={() => ctl.run([cell.id])} data-testid="cell-run">
        <Icon name="play" size={14} />
      </button>
      <button class="tb-btn" title="Move up (Ctrl/⌘-Shift-↑)" onClick={() => ctl.moveCell(cell.id, -1)} disabled={p.index === 0} data-testid="cell-move-up">
        <Icon name="up" size={15} />
      </button>
      <button class="tb-btn" title="Move down (Ctrl/⌘-Shift-↓)" onClick={() => ctl.moveCell(cell.id, 1)} disabled={p.isLast} data-testid="cell-move-down">
        <Icon name="down" size={15} />
      </button>
      {!isMd && (
        <button
          class={`tb-btn ${hideCode ? "on" : ""}`}
          title={hideCode ? "Show code (h)" : "Hide code (h)"}
          onClick={() => ctl.setOptions(cell.id, { hide_code: !hideCode })}
          data-testid="cell-toggle-code"
        >
          <Icon name={hideCode ? "eyeOff" : "eye"} size={15} />
        </button>
      )}
      {!isMd && (
        <button
          class={`tb-btn ${disabled ? "on" : ""}`}
          title={disabled ? "Enable cell" : "Disable cell (it and its descendants will not run)"}
          onClick={() => ctl.setOptions(cell.id, { disabled: !disabled })}
          data-testid="cell-toggle-disabled"
        >
          <Icon name="ban" size={15} />
        </button>
      )}
      <button
        class="tb-btn"
        title={isMd ? "Make code cell (y)" : "Make markdown cell (m)"}
        onClick={() => ctl.setKind(cell.id, isMd ? "code" : "markdown")}
        data-testid="cell-toggle-kind"
      >
        <Icon name={isMd ? "code" : "text"} size={15} />
      </button>
      {!isMd && mayHaveCache(cell.code, cell.cached_seconds) && (
        <button class="tb-btn" title="Clear this cell's cache (reflow.persistent_cache results)" onClick={() => ctl.clearCache(cell.id)} data-action="clear-cell-cache">
          <Icon name="cache" size={15} />
        </button>
      )}
      <button class="tb-btn danger" title="Delete (dd)" onClick={() => ctl.deleteCell(cell.id)} data-testid="cell-delete">
        <Icon name="trash" size={15} />
      </button>
    </div>
  );

  const code = (
    <div class={`cell-code ${hideCode && codeVisible ? "peek" : ""}`}>
      {codeVisible && (
        <div class="cm-host" data-testid="cell-editor" ref={hostRef} onClick={() => !hasEditor && !readOnly && ctl.store.local({ type: "select", id: cell.id, editing: true })}>
          {!hasEditor && <pre class="code-static">{cell.code || " "}</pre>}
        </div>
      )}
      {!codeVisible && hideCode && !isMd && !readOnly && (
        <button class="hidden-code" onClick={() => ctl.store.local({ type: "select", id: cell.id, editing: true })}>
          <Icon name="code" size={13} /> code hidden{cell.defs.length ? ` · defines ${cell.defs.slice(0, 3).join(", ")}` : ""}
        </button>
      )}
    </div>
  );

  const markdown = mdRendered && (
    <div
      class="markdown rendered"
      data-testid="cell-markdown"
      onDblClick={() => !readOnly && ctl.store.local({ type: "select", id: cell.id, editing: true })}
      dangerouslySetInnerHTML={{ __html: renderMarkdown(cell.code) }}
    />
  );

  // a static error the run also reported as an output is shown once; none while the user types
  const typing = useTyping(cell.code, cell.ranCode);
  const staticErrors = (typing ? [] : cell.errors).filter(
    (e) => !cell.outputs.some((o) => o.kind === "error" && o.error.kind === e.kind && o.error.message === e.message),
  );
  const outputs = (
    <>
      {!isMd && !readOnly && <MutationHint cell={cell} />}
      {staticErrors.length > 0 && (
        <div class="static-errors">
          {staticErrors.map((e, i) => (
            <ErrorView key={i} error={e} />
          ))}
        </div>
      )}
      <Outputs outputs={cell.outputs} cell={cell.id} />
      {!isMd && (cell.outputs.length > 0 || cell.run_seconds !== undefined) && (
        <OutputHistory cellId={cell.id} readOnly={readOnly} runKey={status === "running" || status === "queued" ? "busy" : cell.outputs} />
      )}
    </>
  );

  const pill = STATUS_LABEL[status];
  return (
    <div
      ref={rootRef}
      id={`cell-${cell.id}`}
      data-testid="cell"
      data-cell-id={cell.id}
      data-cell-kind={cell.kind}
      data-status={status}
      data-held-errors={typing && cell.errors.length ? cell.errors.length : undefined}
      class={[
        "cell",
        `kind-${cell.kind}`,
        `status-${status}`,
        selected ? "selected" : "",
        selected && editing ? "editing" : "",
        p.related ? `related-${p.related}` : "",
        disabled ? "is-disabled" : "",
        readOnly ? "ro" : "",
        p.crashed ? "crashed" : "",
      ].join(" ")}
      tabIndex={-1}
      onMouseDown={select}
    >
      <div class="cell-gutter" title={pill || undefined}>
        {!readOnly && <span class="cell-num">{p.index + 1}</span>}
        <span class="gutter-bar" />
      </div>
      <div class="cell-body">
        {!readOnly && (
          <div class="cell-head">
            {toolbar}
            {sqlCell && <SqlHead id={cell.id} options={cell.options} controller={ctl} readOnly={readOnly} />}
            {!isMd && pill ? (
              <span class={`status-pill s-${status}`} data-status={status} data-testid="cell-status">
                {status === "running" && <span class="spinner" />}
                {pill}
              </span>
            ) : null}
            {!isMd && p.crashed && (
              <span class="status-pill s-crashed" data-crashed="true" title="The kernel died while this cell was running">
                <Icon name="alert" size={12} />
                kernel died here
              </span>
            )}
            {!isMd && <RunTime status={status} seconds={cell.run_seconds} tasks={cell.tasks} />}
            {!isMd && cell.cached_seconds !== undefined && (
              <span class="cache-badge" data-cached={cell.cached_seconds} title="A reflow.persistent_cache block was restored instead of running">
                <Icon name="cache" size={12} />
                {cachedBadgeText(cell.cached_seconds)}
              </span>
            )}
          </div>
        )}
        {isMd ? (
          <>
            {markdown}
            {code}
          </>
        ) : p.outputAbove ? (
          <>
            {outputs}
            {code}
          </>
        ) : (
          <>
            {code}
            {outputs}
          </>
        )}
      </div>
    </div>
  );
});

/** After a run, how long it took (the kernel's measure); while running, a counter from when the page saw it start. */
function RunTime({ status, seconds, tasks }: { status: string; seconds: number | undefined; tasks?: { done: number; total: number } }) {
  const running = status === "running";
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    if (!running) return;
    const start = performance.now();
    setElapsed(0);
    const t = setInterval(() => setElapsed((performance.now() - start) / 1000), 100);
    return () => clearInterval(t);
  }, [running]);
  if (running) {
    return (
      <span class="run-time running" data-testid="cell-run-time" data-elapsed={elapsed.toFixed(1)} title="Running for">
        {formatElapsed(elapsed)}
        {tasks && (
          <span class="run-tasks" data-done={tasks.done} data-total={tasks.total} title="Dask tasks this run created: done of total">
            {` · ${tasks.done}/${tasks.total} tasks`}
          </span>
        )}
      </span>
    );
  }
  if (seconds === undefined || status === "queued") return null;
  return (
    <span class="run-time" data-testid="cell-run-time" data-seconds={seconds} title="How long the last run took">
      {formatRunTime(seconds)}
    </span>
  );
}
