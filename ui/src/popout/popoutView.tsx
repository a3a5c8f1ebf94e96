// The pop-out page: one cell's output (or one of its outputs) and nothing else, live. It is an
// ordinary page on the session (same store, same WebSocket, same widget channel), so a slider
// moved here re-runs its readers everywhere and an output that changes anywhere changes here.

import { useEffect, useMemo } from "preact/hooks";
import type { Controller } from "../controller";
import { humanizeCellIds } from "../store";
import { Outputs } from "../view/outputs";
import { UiContext, type Ui } from "../view/context";
import { useStoreState } from "../view/useStoreState";
import { popoutTitle, type PopoutTarget } from "./target";
import "./popout.css";

export function PopoutApp({ controller, target, retry }: { controller: Controller; target: PopoutTarget; retry(): void }) {
  const s = useStoreState(controller.store);
  const cell = s.cells[target.cell];
  const position = s.order.indexOf(target.cell) + 1;
  const notebook = s.name || (s.path ? s.path.split(/[\\/]/).pop() ?? "" : "");
  const title = position > 0 ? popoutTitle(notebook, position) : `${notebook || "Reflow"} — deleted cell`;
  useEffect(() => {
    if (s.session !== null) document.title = title; // the desktop window's title follows (shell/popout.py)
  }, [title, s.session]);

  const ui: Ui = useMemo(
    () => ({
      controller,
      label: (id: string) => {
        const i = controller.store.get().order.indexOf(id);
        return i < 0 ? "a deleted cell" : `cell ${i + 1}`;
      },
      humanize: (text: string) => humanizeCellIds(text, controller.store.get().order),
      goto: () => {}, // no cells here to go to: the notebook window has them
    }),
    [controller],
  );
  const outputs = useMemo(() => {
    if (!cell) return [];
    if (target.output === null) return cell.outputs;
    const one = cell.outputs[target.output];
    return one ? [one] : [];
  }, [cell?.outputs, target.output]);

  let body;
  if (s.fatal) body = <p class="popout-note" data-popout-state="fatal">{s.fatal}</p>;
  else if (s.session === null) body = <p class="popout-note" data-popout-state="loading">Connecting to Reflow…</p>;
  else if (!cell)
    body = (
      <p class="popout-note" data-popout-state="deleted" role="status">
        This cell was deleted from the notebook. Close this window, or undo the delete in the notebook and pop its output out again.
      </p>
    );
  else if (!outputs.length)
    body = (
      <p class="popout-note" data-popout-state="empty">
        {target.output !== null && cell.outputs.length ? `This cell has no output ${target.output + 1} now.` : "This cell has no output now."}
      </p>
    );
  else body = <Outputs outputs={outputs} />;

  return (
    <UiContext.Provider value={ui}>
      <div class="popout" data-testid="popout" data-cell-id={target.cell} data-status={cell?.status ?? "deleted"} data-connection={s.connection}>
        {s.connection !== "open" && s.session !== null && (
          <div class="banner warn">
            Connection lost — reconnecting…
            <button class="link" onClick={retry}>
              Retry now
            </button>
          </div>
        )}
        <main class="popout-body" aria-label={title}>
          {body}
        </main>
      </div>
    </UiContext.Provider>
  );
}
