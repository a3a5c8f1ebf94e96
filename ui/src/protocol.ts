// The UI ↔ server protocol, client side. The message types, shapes and constants are
// GENERATED (./protocol.generated.ts) from the one definition in
// desktop/reflow_desktop/protocol (see docs/protocol.md, "Changing the protocol");
// this module re-exports them and adds the hand-written helpers: decoding frames,
// encoding messages, normalising cells.

import {
  CELL_STATUSES,
  SERVER_MESSAGE_TYPES as SERVER_TYPES,
  type CellState,
  type CellStatus,
  type ClientMessage,
  type ServerMessage,
} from "./protocol.generated";

export * from "./protocol.generated";

export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(SERVER_TYPES);

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
    inputs: stringLists(c.inputs),
    hints: Array.isArray(c.hints) ? c.hints.filter((h) => typeof h === "string") : [],
    ...(typeof c.cached_seconds === "number" ? { cached_seconds: c.cached_seconds } : {}),
    ...(typeof c.run_seconds === "number" && Number.isFinite(c.run_seconds) ? { run_seconds: c.run_seconds } : {}),
  };
}

/** ``{name: [cell ids]}`` with anything else dropped (the graph's per-read sources). */
function stringLists(x: unknown): { [name: string]: string[] } {
  const out: { [name: string]: string[] } = {};
  if (!x || typeof x !== "object" || Array.isArray(x)) return out;
  for (const [k, v] of Object.entries(x)) if (Array.isArray(v)) out[k] = v.filter((c) => typeof c === "string");
  return out;
}
