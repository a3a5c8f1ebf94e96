// When the page starts the notebook's language server: at the first editor focus (extension.ts),
// or a moment after the kernel is first idle -- never before, so launch -> first output does not
// share the CPU with it.

import { newRequestId } from "../connection";
import type { Transport } from "../connection";
import type { ServerMessage } from "../protocol";

const AFTER_IDLE_MS = 2000;
let asked = false;

/** Ask the session to start the server once (idempotent across editors and messages). */
export function startLanguageServer(transport: Transport): void {
  if (asked) return;
  asked = true;
  void transport.request({ type: "lsp_request", request_id: newRequestId(), op: "start", id: "" }, 60000);
}

/** Watch server messages: the kernel's first idle schedules the start. */
export function startAfterKernelIdle(transport: Transport, msg: ServerMessage): void {
  if (asked) return;
  const state = msg.type === "kernel" ? msg.state : msg.type === "session" ? (typeof msg.kernel === "string" ? msg.kernel : msg.kernel.state) : null;
  if (state !== "idle") return;
  setTimeout(() => startLanguageServer(transport), AFTER_IDLE_MS);
}
