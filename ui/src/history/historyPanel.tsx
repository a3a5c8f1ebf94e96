// The "history" control under a code cell's outputs (view/cell.tsx places it): fetched on demand
// (`history_get`), it steps through the cell's earlier runs -- what each showed, the code that
// produced it (read-only) and when it ran --, compares two side by side (outputs, images too,
// next to each other, and a line diff of their text) and restores an earlier run's code through the normal edit
// path (edit + run, as if the user had typed it and pressed Shift-Enter).

import { useContext, useEffect, useState } from "preact/hooks";
import type { CellHistoryMsg, HistoryRun } from "../protocol";
import { newRequestId } from "../connection";
import { Outputs } from "../view/outputs";
import { UiContext } from "../view/context";
import {
  comparedPair,
  formatRanAt,
  lineDiff,
  openHistory,
  outputsText,
  position,
  refreshHistory,
  step,
  toggleCompare,
  type HistoryView,
} from "./model";
import "./history.css";

const FETCH_TIMEOUT_MS = 60_000; // a history with large images, on a loaded machine

/** The toggle and, when open, the panel. `runKey` changes when the cell ran again (refetch). */
export function OutputHistory({ cellId, readOnly, runKey }: { cellId: string; readOnly: boolean; runKey: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="output-history" data-testid="output-history">
      <button
        class="history-toggle"
        data-testid="history-toggle"
        aria-expanded={open}
        title="Earlier outputs of this cell, with the code that produced them"
        onClick={() => setOpen(!open)}
      >
        {open ? "close history" : "history"}
      </button>
      {open && <HistoryPanel cellId={cellId} readOnly={readOnly} runKey={runKey} />}
    </div>
  );
}

function HistoryPanel({ cellId, readOnly, runKey }: { cellId: string; readOnly: boolean; runKey: unknown }) {
  const ctl = useContext(UiContext).controller;
  const [view, setView] = useState<HistoryView | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (runKey === "busy") return; // fetched again when the run has ended
    let live = true;
    void ctl.transport
      .request<CellHistoryMsg>({ type: "history_get", request_id: newRequestId(), id: cellId }, FETCH_TIMEOUT_MS)
      .then((reply) => {
        if (!live) return;
        setFailed(reply === null);
        if (reply) setView((prev) => (prev ? refreshHistory(prev, reply.entries, reply.notes) : openHistory(reply.entries, reply.notes)));
      });
    return () => {
      live = false;
    };
  }, [cellId, runKey]);

  if (failed) return <div class="history-panel muted" data-testid="history-panel">The history could not be fetched.</div>;
  if (!view) return <div class="history-panel muted" data-testid="history-panel">Loading history…</div>;
  const restore = (run: HistoryRun) => {
    // the edit path of undo and of other pages' edits: the store, the editor and the file all take it
    if (ctl.transaction([{ op: "set_code", id: cellId, code: run.code }])) ctl.run([cellId]);
  };
  const pair = comparedPair(view);
  return (
    <div class="history-panel" data-testid="history-panel">
      <div class="history-bar">
        <button data-testid="history-older" disabled={view.index <= 0} onClick={() => setView(step(view, -1))} title="Older run">
          ‹ older
        </button>
        <span class="history-pos" data-testid="history-position">
          {position(view)}
        </span>
        <button
          data-testid="history-newer"
          disabled={view.index >= view.entries.length - 1}
          onClick={() => setView(step(view, 1))}
          title="Newer run"
        >
          newer ›
        </button>
        <button data-testid="history-compare" disabled={view.entries.length < 2} aria-pressed={view.compare !== null} onClick={() => setView(toggleCompare(view))}>
          {view.compare === null ? "compare" : "stop comparing"}
        </button>
      </div>
      {view.notes.map((n, i) => (
        <div key={i} class="history-note" data-testid="history-note">
          {n}
        </div>
      ))}
      {pair === null ? (
        view.entries.length > 0 && <RunView run={view.entries[view.index]} readOnly={readOnly} onRestore={restore} testid="history-run" />
      ) : (
        <Comparison older={view.entries[pair[0]]} newer={view.entries[pair[1]]} readOnly={readOnly} onRestore={restore} />
      )}
    </div>
  );
}

function RunView(p: { run: HistoryRun; readOnly: boolean; onRestore: (r: HistoryRun) => void; testid: string }) {
  return (
    <div class="history-run" data-testid={p.testid} data-key={p.run.key}>
      <div class="history-run-head">
        <span class="history-when" data-testid="history-when" title={p.run.ran_at}>
          ran {formatRanAt(p.run.ran_at)}
        </span>
        {!p.readOnly && (
          <button data-testid="history-restore" title="Put this code back into the cell and run it" onClick={() => p.onRestore(p.run)}>
            restore this code
          </button>
        )}
      </div>
      <pre class="history-code" data-testid="history-code" aria-readonly="true">
        {p.run.code || " "}
      </pre>
      <div class="history-outputs" data-testid="history-outputs">
        <Outputs outputs={p.run.outputs} />
      </div>
    </div>
  );
}

function Comparison(p: { older: HistoryRun; newer: HistoryRun; readOnly: boolean; onRestore: (r: HistoryRun) => void }) {
  const diff = lineDiff(outputsText(p.older.outputs), outputsText(p.newer.outputs));
  return (
    <div class="history-compare" data-testid="history-comparison">
      <div class="history-side-by-side">
        <RunView run={p.older} readOnly={p.readOnly} onRestore={p.onRestore} testid="history-older-run" />
        <RunView run={p.newer} readOnly={p.readOnly} onRestore={p.onRestore} testid="history-newer-run" />
      </div>
      {diff && diff.some((l) => l.op !== "same") && (
        <pre class="history-diff" data-testid="history-diff">
          {diff.map((l, i) => (
            <div key={i} class={`diff-${l.op}`}>
              {l.op === "removed" ? "- " : l.op === "added" ? "+ " : "  "}
              {l.text}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
