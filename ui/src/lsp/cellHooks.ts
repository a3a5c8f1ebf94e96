// What a Python cell's editor gets from the language server: its extension and the hover and
// completion hooks, all asking the session with `lsp_request` for this cell.

import { newRequestId } from "../connection";
import type { Controller } from "../controller";
import type { EditorHooks } from "../editor";
import type { LspReplyMsg } from "../protocol";
import { lspCompletions, lspExtension, lspHover, type LspCellHooks } from "./extension";
import { codeLineChar } from "./positions";
import { startLanguageServer } from "./startup";

const REQUEST_TIMEOUT_MS = 60000; // a first request waits for the server to start (seconds on a loaded machine)

export function lspEditorHooks(ctl: Controller, cellId: string): Pick<EditorHooks, "lspHover" | "lspComplete" | "extensions"> {
  const hooks: LspCellHooks = {
    cellId,
    ask: (req) =>
      ctl.transport.request<LspReplyMsg>({ type: "lsp_request", request_id: newRequestId(), id: cellId, ...req }, REQUEST_TIMEOUT_MS),
    selectCell: (id) => ctl.store.local({ type: "select", id, editing: true }),
    cellLabel: (id) => `Cell ${ctl.store.get().order.indexOf(id) + 1}`,
    start: () => startLanguageServer(ctl.transport),
  };
  return {
    extensions: [lspExtension(hooks)],
    lspHover: (code, cursor) => {
      const at = codeLineChar(code, cursor);
      return lspHover(hooks, code, at.line, at.character);
    },
    lspComplete: (code, cursor) => {
      const at = codeLineChar(code, cursor);
      return lspCompletions(hooks, code, at.line, at.character);
    },
  };
}
