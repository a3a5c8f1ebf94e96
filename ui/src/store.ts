// Notebook state and the pure functions that change it. No DOM, no sockets:
// `applyServer` folds one server message into the state, `applyLocal` one user
// action. Each returns a new state and reuses unchanged cell objects, so the
// view can skip cells whose object did not change.

import {
  normaliseCell,
  PROTOCOL_VERSION,
  type CellChange,
  type CellKind,
  type CellOptions,
  type CellState,
  type CellStatus,
  type EnvInfo,
  type KernelStateName,
  type OutputPosition,
  type Output,
  type RuntimeMode,
  type ServerMessage,
  type TransactionAppliedMsg,
  type TransactionSource,
  type TrustInfo,
  type VariableItem,
} from "./protocol";
import { capOutputs, capStreamText } from "./outputCap";
import { markGrown } from "./streamLineage";
import { keepIfSameGraph } from "./graphInfo";

const GRAPH_FIELDS = ["defs", "refs", "parents", "children", "errors", "inputs", "hints"] as const;
import { keepUnchangedCells } from "./keepUnchanged";

export interface Cell extends CellState {
  /** code of the last run the UI knows about (to mark edited-but-not-run cells) */
  ranCode: string;
  /** bumped when the code changes from outside the editor (server, reload, undo) */
  rev: number;
  /** the running cell's Dask tasks, done of total (`cell_progress`); dropped when the run ends */
  tasks?: { done: number; total: number };
}

interface Notice {
  id: number;
  level: "info" | "warning" | "error";
  text: string;
  /** a deleted cell this notice can bring back */
  undo?: boolean;
}

interface DeletedCell {
  cell: Cell;
  index: number;
}

type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface State {
  connection: ConnectionState;
  reconnectAttempt: number;
  /** an error the UI cannot recover from (unknown protocol version) */
  fatal: string | null;
  session: string | null;
  path: string | null;
  name: string;
  readOnly: boolean;
  config: { [k: string]: unknown };
  mode: RuntimeMode;
  kernel: { state: KernelStateName; message?: string };
  /** where the kernel runs and the places used lately ("Run on..."); null: on this computer, not asked yet */
  place: { place: string; label: string; recent: string[] } | null;
  /** the cell that was running when the kernel died; marked until it runs again */
  crashedCell: string | null;
  order: string[];
  cells: { [id: string]: Cell };
  orderValid: boolean;
  variables: VariableItem[];
  notices: Notice[];
  nextNoticeId: number;
  savedAt: number | null;
  /** ids whose code changed locally and was not sent to the server yet */
  unsynced: { [id: string]: true };
  /**
   * The document's version this page has seen (`doc_version` of session/cells, `version` of
   * transaction_applied); null until the server says. Like @codemirror/collab's synced version.
   */
  docVersion: number | null;
  /** a version gap was seen: the page waits for the `cells` it asked for (`resync`) */
  resync: boolean;
  /** per cell, the code the server holds as far as this page knows (confirmed) */
  serverCode: { [id: string]: string };
  /** per cell, code sent to the server whose `transaction_applied` (mine) has not come back yet */
  inflight: { [id: string]: string };
  selected: string | null;
  /** edit mode: keyboard goes to the selected cell's editor; else command mode */
  editing: boolean;
  deleted: DeletedCell[];
  /** the Packages panel: the notebook's dependencies, its environment, uv's output */
  packages: PackagesState;
  /** whether the notebook may run here (safe preview, held cells); null: trusted */
  trust: TrustInfo | null;
  /** a kernel from before Reflow closed still runs the notebook (its pid): Reattach / Stop kernel; null: none */
  backgroundKernel: number | null;
  /** the kernel's start waits for these secrets (secrets/secretDialog.tsx); null: nothing asked */
  secretRequest: { names: string[]; keychain: string } | null;
}

export interface PackagesState {
  /** false until the first `packages` message */
  known: boolean;
  dependencies: string[];
  requiresPython: string | null;
  locked: boolean;
  env: EnvInfo;
  /** uv's lines (env_progress), newest last, capped at PACKAGES_LOG_MAX */
  log: string[];
  /** the operation the user started and is waiting on ("Adding six"), null when idle */
  pending: string | null;
}

export const PACKAGES_LOG_MAX = 400;

export function initialPackages(): PackagesState {
  return { known: false, dependencies: [], requiresPython: null, locked: false, env: { state: "building" }, log: [], pending: null };
}

/** Fold `env_progress` / `packages` into the panel's state. */
export function applyPackages(p: PackagesState, msg: ServerMessage): PackagesState {
  if (msg.type === "env_progress") {
    const log = p.log.length >= PACKAGES_LOG_MAX ? [...p.log.slice(-(PACKAGES_LOG_MAX - 1)), msg.line] : [...p.log, msg.line];
    return { ...p, log };
  }
  if (msg.type === "packages") {
    const env = msg.env ?? { state: "none" };
    return {
      ...p,
      known: true,
      dependencies: msg.dependencies ?? [],
      requiresPython: msg.requires_python ?? null,
      locked: !!msg.locked,
      env,
      pending: env.state === "building" ? p.pending : null,
    };
  }
  return p;
}

/** The distribution name of a requirement ("pandas>=2; python_version>'3.9'" → "pandas"), for `uv remove`. */
export function requirementName(req: string): string {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req);
  return m ? m[1] : req.trim();
}

export function initialState(): State {
  return {
    connection: "connecting",
    reconnectAttempt: 0,
    fatal: null,
    session: null,
    path: null,
    name: "",
    readOnly: false,
    config: {},
    mode: "auto",
    kernel: { state: "starting" },
    place: null,
    crashedCell: null,
    order: [],
    cells: {},
    orderValid: true,
    variables: [],
    notices: [],
    nextNoticeId: 1,
    savedAt: null,
    unsynced: {},
    docVersion: null,
    resync: false,
    serverCode: {},
    inflight: {},
    selected: null,
    editing: false,
    deleted: [],
    packages: initialPackages(),
    trust: null,
    backgroundKernel: null,
    secretRequest: null,
  };
}

// ---- helpers --------------------------------------------------------------------

function toCell(c: CellState, prev?: Cell, keepCode = false): Cell {
  const n = normaliseCell(c);
  if (keepCode && prev) return { ...n, code: prev.code, ranCode: prev.ranCode, rev: prev.rev };
  const same = !!prev && prev.code === n.code;
  const ranCode = same ? prev!.ranCode : n.code;
  const rev = prev ? (same ? prev.rev : prev.rev + 1) : 0;
  return { ...n, ranCode, rev };
}

/** Cell maps a batch owns while it applies its events: changed in place, not copied per event. */
const batchDrafts = new WeakSet<State["cells"]>();

function withCell(state: State, id: string, f: (c: Cell) => Cell): State {
  const c = state.cells[id];
  if (!c) return state;
  const next = f(c);
  if (next === c) return state;
  if (batchDrafts.has(state.cells)) {
    state.cells[id] = next; // the batch's own copy (see "batch" below)
    return state;
  }
  return { ...state, cells: { ...state.cells, [id]: next } };
}

/** The events of a batch applied as one update. The cell map is copied once for the whole batch, not once
 * per event: that was O(events x cells), 3 s for one slider move's batch at 2,000 cells (bench/storeBatch). */
function applyBatch(state: State, events: ServerMessage[]): State {
  const cells = { ...state.cells };
  batchDrafts.add(cells);
  try {
    const after = keepUnchangedCells(state, events.reduce(applyServer, { ...state, cells }));
    const a = after as unknown as Record<string, unknown>;
    const b = state as unknown as Record<string, unknown>;
    for (const k in a) if (a[k] !== b[k]) return after;
    return state; // nothing changed: the same object, so nobody re-renders
  } finally {
    batchDrafts.delete(cells);
  }
}

function addNotice(state: State, level: Notice["level"], text: string, undo = false): State {
  const notice: Notice = { id: state.nextNoticeId, level, text, undo };
  // keep the list short: the newest few matter
  const notices = [...state.notices, notice].slice(-5);
  return { ...state, notices, nextNoticeId: state.nextNoticeId + 1 };
}

/**
 * Start over from the server's cells. Code typed here and not sent (unsynced) stays. Code in
 * flight stays after a `cells` (it reaches the server after the snapshot, on the same socket) but
 * not after a `session`: what was in flight on a closed socket is in the snapshot or lost.
 */
function replaceCells(state: State, cells: CellState[], keepUnsynced: boolean, docVersion?: number, reconnect = false): State {
  const wasInflight = reconnect ? {} : state.inflight;
  const map: { [id: string]: Cell } = {};
  const order: string[] = [];
  const serverCode: State["serverCode"] = {};
  for (const raw of cells) {
    const prev = state.cells[raw.id];
    // code typed here and not confirmed yet stays: it reaches the server after this snapshot
    const keep = keepUnsynced && (!!state.unsynced[raw.id] || wasInflight[raw.id] !== undefined);
    map[raw.id] = toCell(raw, prev, keep);
    serverCode[raw.id] = typeof raw.code === "string" ? raw.code : "";
    order.push(raw.id);
  }
  const unsynced: State["unsynced"] = {};
  for (const id of Object.keys(state.unsynced)) if (map[id]) unsynced[id] = true;
  const inflight: State["inflight"] = {};
  for (const [id, code] of Object.entries(wasInflight)) if (map[id]) inflight[id] = code;
  const versioned = typeof docVersion === "number" ? { docVersion, resync: false } : {};
  let selected = state.selected;
  if (selected === null || !map[selected]) {
    // keep the selection near where it was
    const oldIdx = selected ? state.order.indexOf(selected) : -1;
    selected = order.length ? order[Math.min(Math.max(oldIdx, 0), order.length - 1)] : null;
  }
  return { ...state, ...versioned, cells: map, order, unsynced, inflight, serverCode, selected, editing: state.editing && selected === state.selected };
}

/** Merge an output into a list: consecutive stream chunks of one stream become one; bounded (outputCap.ts). */
export function appendOutput(outputs: Output[], out: Output): Output[] {
  const last = outputs[outputs.length - 1];
  if (out.kind === "stream" && last && last.kind === "stream" && last.name === out.name) {
    const text = capStreamText(last.text + out.text); // a rope in the engine: no copy of the text so far
    const next = { ...last, text };
    if (text.length === last.text.length + out.text.length) markGrown(next, last); // views take only the new part
    return [...outputs.slice(0, -1), next];
  }
  return capOutputs([...outputs, out]);
}

// ---- server messages ----------------------------------------------------------------

export function applyServer(state: State, msg: ServerMessage): State {
  switch (msg.type) {
    case "session": {
      if (msg.version !== PROTOCOL_VERSION) {
        return {
          ...state,
          connection: "closed",
          fatal:
            `This window speaks Reflow protocol version ${PROTOCOL_VERSION}, but the server speaks ` +
            `version ${String(msg.version)}. Close this window and open the notebook again with the ` +
            `same version of Reflow.`,
        };
      }
      const { cell: crashed, ...kernel } = typeof msg.kernel === "string" ? { state: msg.kernel, cell: undefined } : msg.kernel;
      const s = replaceCells(state, msg.cells ?? [], true, msg.doc_version, true);
      return {
        ...s,
        connection: "open",
        reconnectAttempt: 0,
        fatal: null,
        session: msg.session,
        path: msg.path ?? null,
        name: msg.name ?? "",
        mode: msg.mode === "lazy" ? "lazy" : "auto",
        readOnly: !!msg.read_only,
        config: msg.config ?? {},
        orderValid: (msg.config as { order_valid?: unknown } | undefined)?.order_valid !== false,
        kernel,
        crashedCell: kernel.state === "dead" && typeof crashed === "string" ? crashed : s.crashedCell,
        editing: msg.read_only ? false : s.editing,
        trust: msg.trust ?? null,
      };
    }
    case "trust":
      return { ...state, trust: msg.trust };
    case "background_kernel":
      return { ...state, backgroundKernel: msg.pid };
    case "secret_request":
      return { ...state, secretRequest: msg.names.length ? { names: msg.names, keychain: msg.keychain } : null };
    case "place":
      return { ...state, place: { place: msg.place, label: msg.label, recent: msg.recent } };
    case "kernel": {
      const kernel = msg.message ? { state: msg.state, message: msg.message } : { state: msg.state };
      const crashedCell = msg.state === "dead" && typeof msg.cell === "string" ? msg.cell : state.crashedCell;
      return { ...state, kernel, crashedCell };
    }
    case "cell_status": {
      const seconds = typeof msg.seconds === "number" && Number.isFinite(msg.seconds) ? msg.seconds : undefined;
      const s = withCell(state, msg.id, (c) => {
        if (c.status === msg.status && seconds === undefined) return c;
        const { tasks: _, ...rest } = c; // task progress belongs to one run
        return { ...(msg.status === "running" ? c : rest), status: msg.status, ...(seconds !== undefined ? { run_seconds: seconds } : {}) };
      });
      return msg.status === "running" && s.crashedCell === msg.id ? { ...s, crashedCell: null } : s;
    }
    case "cell_progress": {
      const { done, total } = msg;
      if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < done) return state;
      return withCell(state, msg.id, (c) => (c.status === "running" ? { ...c, tasks: { done, total } } : c));
    }
    case "cell_clear":
      return withCell(state, msg.id, (c) => {
        const { cached_seconds: _, ...rest } = c; // "restored from cache" lasts until the next run
        return { ...rest, outputs: [], ranCode: c.code };
      });
    case "cell_cached": // several cached blocks in one cell: their saved times add up
      return withCell(state, msg.id, (c) => ({ ...c, cached_seconds: (c.cached_seconds ?? 0) + (Number(msg.saved_seconds) || 0) }));
    case "cell_output":
      return withCell(state, msg.id, (c) => ({ ...c, outputs: appendOutput(c.outputs, msg.output) }));
    case "graph": {
      const cells = { ...state.cells };
      for (const [id, g] of Object.entries(msg.cells ?? {})) {
        const c = cells[id];
        if (!c) continue;
        const next: Cell = {
          ...c,
          defs: g.defs ?? [],
          refs: g.refs ?? [],
          parents: g.parents ?? [],
          children: g.children ?? [],
          errors: g.errors ?? [],
          inputs: g.inputs ?? {},
          hints: g.hints ?? [],
        };
        cells[id] = keepIfSameGraph(c, next, GRAPH_FIELDS); // unchanged cells keep their object: no re-render
      }
      return { ...state, cells, orderValid: msg.order_valid !== false };
    }
    case "cells":
      return replaceCells(state, msg.cells ?? [], true, msg.doc_version);
    case "transaction_applied":
      return applyConfirmed(state, msg);
    case "variables":
      return { ...state, variables: msg.items ?? [] };
    case "saved":
      return { ...state, savedAt: msg.mtime ?? Date.now() / 1000, path: msg.path ?? state.path };
    case "notice":
      return addNotice(state, msg.level, msg.text);
    case "error":
      return addNotice(state, "error", msg.text);
    case "env_progress":
    case "packages":
      return { ...state, packages: applyPackages(state.packages, msg) };
    case "batch": // several events in one store update (one render); cells that show the same keep their object
      return applyBatch(state, msg.events ?? []);
    case "complete_reply":
    case "inspect_reply":
    case "cell_history":
    case "ui_values":
    case "table_page_reply":
    case "settings": // user settings: the settings hub's, not the notebook's
      return state; // request/response: handled by the connection / widgets, not the store
  }
  return state;
}

// ---- the document: structural changes as transactions -----------------------------------
// The TypeScript mirror of reflow.notebook.document.Document.apply: the same changes, the
// same checks, all or nothing. The session applies the very same transaction (the
// `transaction` message) to its document and to the kernel's.

export interface Transaction {
  changes: CellChange[];
  source: TransactionSource;
}

/** A change that does not fit the notebook (unknown id, index out of range, duplicate id). */
export class TransactionError extends Error {}

function checkIndex(index: unknown, upper: number, what: string): number {
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > upper) {
    throw new TransactionError(`${what}: index ${String(index)} is outside 0..${upper}`);
  }
  return index;
}

function checkKind(kind: unknown): CellKind {
  if (kind !== "code" && kind !== "markdown") throw new TransactionError(`unknown cell kind ${String(kind)}`);
  return kind;
}

/** Options patched: `null` (and, as the UI has always sent it, `false`) removes an option. */
function patchOptions(options: CellOptions, patch: CellOptions): CellOptions {
  const out: CellOptions = { ...options };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === false) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Apply every change of `tx` to the cells and their order, or none: a bad change throws
 * TransactionError and the state passed in is untouched (it is never mutated). Cells a
 * change does not touch keep their objects; set_kind keeps the cell (id, outputs).
 */
export function applyTransaction(state: State, tx: Transaction): State {
  if (!tx.changes.length) return state;
  let order = state.order;
  const cells: { [id: string]: Cell } = { ...state.cells };
  const unsynced = { ...state.unsynced };
  const cell = (id: string, what: string): Cell => {
    const c = cells[id];
    if (!c || !order.includes(id)) throw new TransactionError(`${what}: no cell ${JSON.stringify(id)}`);
    return c;
  };
  for (const ch of tx.changes) {
    switch (ch.op) {
      case "create": {
        if (typeof ch.id !== "string" || !ch.id) throw new TransactionError("create: the cell id must be a non-empty string");
        if (cells[ch.id]) throw new TransactionError(`create: cell ${JSON.stringify(ch.id)} already exists`);
        const index = checkIndex(ch.index, order.length, "create");
        cells[ch.id] = { ...emptyCell(ch.id, checkKind(ch.kind ?? "code"), ch.code ?? ""), options: patchOptions({}, ch.options ?? {}) };
        order = insertAt(order, index, ch.id);
        break;
      }
      case "delete":
        cell(ch.id, "delete");
        delete cells[ch.id];
        delete unsynced[ch.id];
        order = order.filter((x) => x !== ch.id);
        break;
      case "move": {
        cell(ch.id, "move");
        const index = checkIndex(ch.index, order.length - 1, "move");
        order = insertAt(order.filter((x) => x !== ch.id), index, ch.id);
        break;
      }
      case "set_code": {
        const c = cell(ch.id, "set_code");
        if (typeof ch.code !== "string") throw new TransactionError("set_code: code must be a string");
        if (c.code !== ch.code) cells[ch.id] = { ...c, code: ch.code, rev: c.rev + 1 };
        break;
      }
      case "set_kind": {
        const c = cell(ch.id, "set_kind");
        const kind = checkKind(ch.kind);
        if (c.kind !== kind) cells[ch.id] = { ...c, kind };
        break;
      }
      case "set_options": {
        const c = cell(ch.id, "set_options");
        cells[ch.id] = { ...c, options: patchOptions(c.options, ch.options) };
        break;
      }
      default:
        throw new TransactionError(`unknown change ${JSON.stringify(ch)}`);
    }
  }
  return { ...state, cells, order, unsynced };
}

// ---- transactions the server applied (transaction_applied) ----------------------------
// Versions as in @codemirror/collab: each one is the page's version + 1; a gap (a message
// missed) or a change that does not fit asks for the cells again (`resync`). The page's
// own transactions come back `mine`: they are on screen already, so they are applied again
// only as far as a `cells` snapshot may have taken them away (a create of a cell that is
// there, a delete of one that is gone are skipped; the other changes are idempotent). Code is last-writer-wins on the server: code typed here and not
// confirmed yet (unsynced or in flight) reaches the server after a remote set_code, so it
// stays on screen; otherwise the remote code replaces it.

function confirmedChanges(state: State, msg: TransactionAppliedMsg): { changes: CellChange[]; inflight: State["inflight"]; serverCode: State["serverCode"] } {
  const inflight = { ...state.inflight };
  const serverCode = { ...state.serverCode };
  const changes: CellChange[] = [];
  for (const ch of msg.changes ?? []) {
    if (ch.op === "set_code") {
      if (typeof ch.code !== "string") throw new TransactionError("set_code: code must be a string");
      serverCode[ch.id] = ch.code;
      if (inflight[ch.id] === ch.code) delete inflight[ch.id]; // confirmed (or the same text from elsewhere)
      if (state.unsynced[ch.id] || inflight[ch.id] !== undefined) continue; // ours is newer: it wins there too
    } else if (ch.op === "create") {
      serverCode[ch.id] = typeof ch.code === "string" ? ch.code : "";
      if (msg.mine && state.cells[ch.id]) continue;
    } else if (ch.op === "delete") {
      delete serverCode[ch.id];
      delete inflight[ch.id];
      if (msg.mine && !state.cells[ch.id]) continue;
    }
    changes.push(ch);
  }
  return { changes, inflight, serverCode };
}

/** Fold one applied transaction in through `applyTransaction`, the path the page's own changes take. */
function applyConfirmed(state: State, msg: TransactionAppliedMsg): State {
  const version = msg.version;
  if (state.resync) return state; // the cells asked for include this one
  if (state.docVersion !== null && typeof version === "number") {
    if (version <= state.docVersion) return state; // seen already
    if (version !== state.docVersion + 1) return { ...state, resync: true };
  }
  try {
    const { changes, inflight, serverCode } = confirmedChanges(state, msg);
    const s = applyTransaction(state, { source: msg.source, changes });
    let selected = s.selected;
    if (selected !== null && !s.cells[selected]) {
      const old = state.order.indexOf(selected); // the selected cell was deleted elsewhere: its neighbour
      selected = s.order.length ? s.order[Math.min(Math.max(old, 0), s.order.length - 1)] : null;
    }
    const editing = s.editing && selected === state.selected;
    return { ...s, inflight, serverCode, selected, editing, docVersion: typeof version === "number" ? version : state.docVersion };
  } catch (e) {
    if (!(e instanceof TransactionError)) throw e;
    return { ...state, resync: true }; // this page's cells and the server's differ: start over
  }
}

// ---- local actions ------------------------------------------------------------------

export type LocalAction =
  | { type: "connection"; state: ConnectionState; attempt?: number }
  | { type: "select"; id: string | null; editing?: boolean }
  | { type: "set_editing"; editing: boolean }
  | { type: "edit_code"; id: string; code: string }
  | { type: "synced"; ids: string[] }
  | { type: "ran"; ids: string[] }
  | { type: "create_cell"; id: string; index: number; kind: CellKind; code: string }
  | { type: "delete_cell"; id: string; silent?: boolean }
  | { type: "undo_delete"; newId: string }
  | { type: "move_cell"; id: string; index: number }
  | { type: "set_options"; id: string; options: CellOptions }
  | { type: "set_kind"; id: string; kind: CellKind }
  | { type: "transaction"; tx: Transaction }
  | { type: "set_mode"; mode: RuntimeMode }
  | { type: "notebook_config"; output?: OutputPosition; runtime?: RuntimeMode }
  | { type: "notice"; level: Notice["level"]; text: string; undo?: boolean }
  | { type: "dismiss"; id: number }
  | { type: "packages_pending"; what: string | null };

function emptyCell(id: string, kind: CellKind, code: string): Cell {
  return {
    id,
    kind,
    code,
    ranCode: "",
    rev: 0,
    options: {},
    status: "idle",
    outputs: [],
    defs: [],
    refs: [],
    parents: [],
    children: [],
    errors: [],
  };
}

/**
 * The cells' code went to the server (edit, run): in flight until it comes back `mine`. Code
 * the server holds already changes nothing there, so nothing comes back and nothing is in flight.
 */
function sent(state: State, ids: string[]): State["inflight"] {
  const inflight = { ...state.inflight };
  for (const id of ids) {
    const c = state.cells[id];
    if (!c) continue;
    const held = inflight[id] ?? state.serverCode[id];
    if (c.code !== held) inflight[id] = c.code;
  }
  return inflight;
}

function insertAt<T>(xs: T[], index: number, x: T): T[] {
  const i = Math.max(0, Math.min(index, xs.length));
  return [...xs.slice(0, i), x, ...xs.slice(i)];
}

export function applyLocal(state: State, a: LocalAction): State {
  switch (a.type) {
    case "connection":
      return { ...state, connection: a.state, reconnectAttempt: a.attempt ?? state.reconnectAttempt };
    case "select":
      if (a.id !== null && !state.cells[a.id]) return state;
      return { ...state, selected: a.id, editing: a.editing ?? (a.id === state.selected ? state.editing : false) };
    case "set_editing":
      if (state.readOnly && a.editing) return state;
      return state.editing === a.editing ? state : { ...state, editing: a.editing };
    case "edit_code": {
      const s = withCell(state, a.id, (c) => (c.code === a.code ? c : { ...c, code: a.code }));
      if (s === state) return state;
      return { ...s, unsynced: { ...s.unsynced, [a.id]: true } };
    }
    case "synced": {
      const unsynced = { ...state.unsynced };
      for (const id of a.ids) delete unsynced[id];
      return { ...state, unsynced, inflight: sent(state, a.ids) };
    }
    case "ran": {
      let s = state;
      for (const id of a.ids) s = withCell(s, id, (c) => (c.ranCode === c.code ? c : { ...c, ranCode: c.code }));
      const unsynced = { ...s.unsynced };
      for (const id of a.ids) delete unsynced[id];
      return { ...s, unsynced, inflight: sent(s, a.ids) };
    }
    case "create_cell": {
      if (state.cells[a.id]) return state;
      const index = Math.max(0, Math.min(a.index, state.order.length)); // the UI's index, clamped
      const s = applyTransaction(state, { source: "ui", changes: [{ op: "create", id: a.id, index, kind: a.kind, code: a.code }] });
      return { ...s, selected: a.id };
    }
    case "delete_cell": {
      const cell = state.cells[a.id];
      if (!cell) return state;
      const index = state.order.indexOf(a.id);
      const d = applyTransaction(state, { source: "ui", changes: [{ op: "delete", id: a.id }] });
      const order = d.order;
      let selected = state.selected;
      if (selected === a.id) selected = order.length ? order[Math.min(index, order.length - 1)] : null;
      const s: State = {
        ...d,
        selected,
        editing: false,
        deleted: a.silent ? state.deleted : [...state.deleted, { cell, index }].slice(-50),
      };
      return a.silent ? s : addNotice(s, "info", "Cell deleted", true);
    }
    case "undo_delete": {
      const last = state.deleted[state.deleted.length - 1];
      if (!last) return state;
      const index = Math.max(0, Math.min(last.index, state.order.length));
      const s = applyTransaction(state, {
        source: "ui",
        changes: [{ op: "create", id: a.newId, index, kind: last.cell.kind, code: last.cell.code, options: last.cell.options }],
      });
      return {
        ...s,
        deleted: state.deleted.slice(0, -1),
        selected: a.newId,
        editing: false,
        notices: state.notices.filter((n) => !n.undo),
      };
    }
    case "move_cell": {
      const from = state.order.indexOf(a.id);
      if (from < 0) return state;
      const to = Math.max(0, Math.min(a.index, state.order.length - 1)); // the UI's index, clamped
      if (to === from) return state;
      return applyTransaction(state, { source: "ui", changes: [{ op: "move", id: a.id, index: to }] });
    }
    case "set_options":
      if (!state.cells[a.id]) return state;
      return applyTransaction(state, { source: "ui", changes: [{ op: "set_options", id: a.id, options: a.options }] });
    case "set_kind":
      if (!state.cells[a.id] || state.cells[a.id].kind === a.kind) return state;
      return applyTransaction(state, { source: "ui", changes: [{ op: "set_kind", id: a.id, kind: a.kind }] });
    case "transaction":
      return applyTransaction(state, a.tx);
    case "set_mode":
      return { ...state, mode: a.mode };
    case "notice":
      return addNotice(state, a.level, a.text, a.undo);
    case "notebook_config": {
      // the notebook's own [tool.reflow] values, as the session message's config carries them
      const prev = (state.config.notebook ?? {}) as { output?: OutputPosition | null; runtime?: RuntimeMode | null };
      const notebook = { ...prev, ...(a.output ? { output: a.output } : {}), ...(a.runtime ? { runtime: a.runtime } : {}) };
      const config = { ...state.config, notebook, ...(a.output ? { output_position: a.output } : {}) };
      return { ...state, config, mode: a.runtime ?? state.mode };
    }
    case "dismiss":
      return { ...state, notices: state.notices.filter((n) => n.id !== a.id) };
    case "packages_pending": // a package operation starts: a fresh log for its uv output
      return { ...state, packages: { ...state.packages, pending: a.what, log: a.what ? [] : state.packages.log } };
  }
  return state;
}

// ---- selectors ------------------------------------------------------------------------

/** All cells reachable through `edge` (parents or children), nearest first. */
function reachable(state: State, id: string, edge: "parents" | "children"): string[] {
  const seen = new Set<string>([id]);
  const out: string[] = [];
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const x of frontier) {
      for (const y of state.cells[x]?.[edge] ?? []) {
        if (seen.has(y) || !state.cells[y]) continue;
        seen.add(y);
        out.push(y);
        next.push(y);
      }
    }
    frontier = next;
  }
  return out;
}

export const ancestors = (s: State, id: string) => reachable(s, id, "parents");
export const descendants = (s: State, id: string) => reachable(s, id, "children");

/** Sort ids by display order. */
export function inDisplayOrder(state: State, ids: string[]): string[] {
  const pos = new Map(state.order.map((id, i) => [id, i]));
  return [...ids].filter((id) => pos.has(id)).sort((a, b) => pos.get(a)! - pos.get(b)!);
}

/** A short human label for a cell: "cell 3" plus what it defines or its first line. */
export function cellSummary(c: Cell): string {
  if (c.defs.length) return c.defs.slice(0, 4).join(", ") + (c.defs.length > 4 ? ", …" : "");
  const first = c.code.split("\n").find((l) => l.trim() !== "") ?? "";
  return first.length > 40 ? first.slice(0, 39) + "…" : first;
}

/** The status the UI shows: a cell edited since it last ran is "stale" unless busy or failed. */
export function displayStatus(c: Cell): CellStatus | "edited" {
  if (c.options.disabled === true) return "disabled";
  if (c.kind === "code" && c.code !== c.ranCode && (c.status === "idle" || c.status === "stale")) return "edited";
  return c.status;
}

/** Every error to show on a cell: static ones from the graph, then the run's error outputs. */
/**
 * Server texts name cells by their session ids ("defined by cell 3ff72"); show the
 * display position instead ("cell 2") for cells that still exist.
 */
export function humanizeCellIds(text: string, order: string[]): string {
  if (!text || !order.length) return text;
  const pos = new Map(order.map((id, i) => [id, i + 1]));
  return text.replace(/(\bcell |<cell )([A-Za-z0-9_-]+)/g, (m, pre: string, id: string) => (pos.has(id) ? `${pre}${pos.get(id)}` : m));
}

/** "NameError: name 'a'…" under the title "NameError" reads twice; drop the prefix. */
export function errorMessageBody(message: string, ename?: string | null): string {
  if (ename && message.startsWith(ename + ": ")) return message.slice(ename.length + 2);
  return message;
}
