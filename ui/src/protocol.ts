// The UI ↔ server protocol, client side. The one place on the client where the
// message set is defined; it mirrors docs/protocol.md and
// desktop/reflow_desktop/protocol.py. A breaking change bumps PROTOCOL_VERSION.

export const PROTOCOL_VERSION = 1;

// ---- shared shapes ----------------------------------------------------------

export type CellKind = "code" | "markdown";

export const CELL_STATUSES = [
  "idle",
  "queued",
  "running",
  "stale",
  "error",
  "ancestor-error",
  "interrupted",
  "disabled",
  "cancelled",
] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export type MimeBundle = { [mime: string]: unknown };

export type CellErrorKind =
  | "exception"
  | "syntax"
  | "multiple-definition"
  | "cycle"
  | "ancestor-error"
  | "interrupted"
  | "star-import"
  | "name-removed";

export interface CellError {
  kind: CellErrorKind;
  message: string;
  traceback?: string | null;
  ename?: string | null;
  cells: string[];
  /** additive: a ModuleNotFoundError the Packages panel can fix ("Install X and add it to this notebook") */
  install?: InstallHint;
}

/** What to install for a ModuleNotFoundError; `cell` is the cell to re-run afterwards. */
export interface InstallHint {
  package: string;
  module: string;
  cell?: string | null;
}

export type Output =
  | { kind: "data"; data: MimeBundle }
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "error"; error: CellError };

export type CellOptions = { [k: string]: unknown };

export interface CellState {
  id: string;
  kind: CellKind;
  code: string;
  options: CellOptions;
  status: CellStatus;
  outputs: Output[];
  defs: string[];
  refs: string[];
  parents: string[];
  children: string[];
  errors: CellError[];
  /** seconds saved by reflow.persistent_cache restores since the cell's last cell_clear */
  cached_seconds?: number;
}

export type KernelStateName = "starting" | "idle" | "busy" | "dead" | "restarting";
export interface KernelState {
  state: KernelStateName;
  message?: string;
}

export type RuntimeMode = "auto" | "lazy";
export type OutputPosition = "above" | "below";

export interface GraphEntry {
  defs: string[];
  refs: string[];
  parents: string[];
  children: string[];
  errors: CellError[];
}

export interface VariableItem {
  name: string;
  type: string;
  preview: string;
  defined_by: string | null;
  used_by: string[];
}

// ---- server → UI --------------------------------------------------------------

export interface SessionMsg {
  type: "session";
  version: number;
  session: string;
  path: string | null;
  name: string;
  mode: RuntimeMode;
  read_only: boolean;
  cells: CellState[];
  kernel: KernelState | KernelStateName;
  config: { [k: string]: unknown };
}
export interface KernelMsg {
  type: "kernel";
  state: KernelStateName;
  message?: string;
}
export interface CellStatusMsg {
  type: "cell_status";
  id: string;
  status: CellStatus;
}
export interface CellClearMsg {
  type: "cell_clear";
  id: string;
}
export interface CellOutputMsg {
  type: "cell_output";
  id: string;
  output: Output;
}
export interface GraphMsg {
  type: "graph";
  cells: { [id: string]: GraphEntry };
  order_valid: boolean;
}
export interface CellsMsg {
  type: "cells";
  cells: CellState[];
}
export interface VariablesMsg {
  type: "variables";
  items: VariableItem[];
}
export interface SavedMsg {
  type: "saved";
  path: string;
  mtime: number;
}
export interface NoticeMsg {
  type: "notice";
  level: "info" | "warning" | "error";
  text: string;
}
export interface CompleteReplyMsg {
  type: "complete_reply";
  request_id: string;
  matches: string[];
  cursor_start: number;
  cursor_end: number;
}
export interface InspectReplyMsg {
  type: "inspect_reply";
  request_id: string;
  found: boolean;
  text: string;
}
// ---- reflow.ui (widgets) ----
/** Answer to set_ui_value: the values the kernel applied (after the run they caused). */
export interface UiValuesMsg {
  type: "ui_values";
  values: { [element_id: string]: unknown };
  request_id?: string;
  unknown?: string[];
  errors?: { [element_id: string]: string };
}
export interface TablePageReplyMsg {
  type: "table_page_reply";
  request_id: string;
  element_id: string;
  page?: number;
  page_size?: number;
  total?: number;
  rows?: unknown[][];
  indices?: number[];
  error?: string;
}
/** Several events in one frame, applied in order in one store update. */
export interface BatchMsg {
  type: "batch";
  events: ServerMessage[];
}

/** A persistent_cache block of the cell was restored instead of running (additive). */
export interface CellCachedMsg {
  type: "cell_cached";
  id: string;
  saved_seconds: number;
}
/** The user's settings (answer to settings_get / settings_set). */
export interface SettingsMsg {
  type: "settings";
  values: { [key: string]: unknown };
}

export interface ErrorMsg {
  type: "error";
  text: string;
}

// ---- environments / Packages panel ----
/** One line of uv's output while the notebook's environment is built or its packages change. */
export interface EnvProgressMsg {
  type: "env_progress";
  line: string;
}
export type EnvStateName = "building" | "ready" | "failed" | "none";
export interface EnvInfo {
  state: EnvStateName;
  path?: string;
  python?: string;
  message?: string;
}
/** The notebook's dependencies (its PEP 723 block) and its environment's state. */
export interface PackagesMsg {
  type: "packages";
  dependencies: string[];
  requires_python: string | null;
  locked: boolean;
  env: EnvInfo;
}

export type ServerMessage =
  | SessionMsg
  | KernelMsg
  | CellStatusMsg
  | CellClearMsg
  | CellOutputMsg
  | GraphMsg
  | CellsMsg
  | VariablesMsg
  | SavedMsg
  | NoticeMsg
  | CompleteReplyMsg
  | InspectReplyMsg
  | UiValuesMsg
  | TablePageReplyMsg
  | BatchMsg
  | EnvProgressMsg
  | PackagesMsg
  | CellCachedMsg
  | SettingsMsg
  | ErrorMsg;

export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  "session",
  "kernel",
  "cell_status",
  "cell_clear",
  "cell_output",
  "graph",
  "cells",
  "variables",
  "saved",
  "notice",
  "complete_reply",
  "inspect_reply",
  "ui_values",
  "table_page_reply",
  "batch",
  "env_progress",
  "packages",
  "cell_cached",
  "settings",
  "error",
]);

// ---- UI → server --------------------------------------------------------------

export type ClientMessage =
  | { type: "run"; cells: { id: string; code: string }[] }
  | { type: "edit"; id: string; code: string }
  | { type: "create_cell"; id: string; index: number; kind: CellKind; code: string }
  | { type: "delete_cell"; id: string }
  | { type: "move_cell"; id: string; index: number }
  | { type: "set_options"; id: string; options: CellOptions }
  | { type: "set_mode"; mode: RuntimeMode }
  | { type: "run_stale" }
  | { type: "run_all" }
  | { type: "interrupt" }
  | { type: "restart" }
  | { type: "save" }
  | { type: "complete"; request_id: string; id: string; code: string; cursor: number }
  | { type: "inspect"; request_id: string; id: string; code: string; cursor: number }
  | { type: "set_ui_value"; element_id: string; value: unknown; request_id?: string; updates?: { element_id: string; value: unknown }[] }
  | { type: "table_page"; request_id: string; element_id: string; page: number; sort: { column: string; descending: boolean } | null; page_size?: number }
  | { type: "packages_get" }
  | { type: "package_add"; requirement: string; rerun?: string[] }
  | { type: "package_remove"; name: string }
  | { type: "packages_lock" }
  | { type: "env_rebuild" }
  | { type: "clear_cache"; id?: string }
  | { type: "settings_get" }
  | { type: "settings_set"; changes: { [key: string]: unknown } }
  | { type: "set_notebook_config"; output?: OutputPosition; runtime?: RuntimeMode };

// ---- decoding -----------------------------------------------------------------

export type Decoded =
  | { ok: true; message: ServerMessage }
  | { ok: false; reason: string };

/** Parse one text frame. Unknown types and non-objects are rejected (not thrown). */
export function decodeServerMessage(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "frame is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "frame is not a JSON object" };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") return { ok: false, reason: "message has no type" };
  if (!SERVER_MESSAGE_TYPES.has(type)) return { ok: false, reason: `unknown message type "${type}"` };
  return { ok: true, message: value as ServerMessage };
}

export function encodeClientMessage(msg: ClientMessage): string {
  return JSON.stringify(msg);
}

/** Normalise a CellState coming from the server: tolerate missing optional lists. */
export function normaliseCell(c: Partial<CellState> & { id: string }): CellState {
  return {
    id: c.id,
    kind: c.kind === "markdown" ? "markdown" : "code",
    code: c.code ?? "",
    options: c.options ?? {},
    status: (CELL_STATUSES as readonly string[]).includes(c.status as string) ? (c.status as CellStatus) : "idle",
    outputs: c.outputs ?? [],
    defs: c.defs ?? [],
    refs: c.refs ?? [],
    parents: c.parents ?? [],
    children: c.children ?? [],
    errors: c.errors ?? [],
    ...(typeof c.cached_seconds === "number" ? { cached_seconds: c.cached_seconds } : {}),
  };
}
