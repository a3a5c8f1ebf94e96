// The "pop out" control on a cell's outputs (view/outputs.tsx puts one on each output shown in a
// notebook cell) and the palette command's action: open the output in a window of its own.

import { useContext } from "preact/hooks";
import { UiContext } from "../view/context";
import { popOut } from "./open";
import type { PopoutTarget } from "./target";
import "./popout.css";

/** The size an element takes on screen (for `.output`, display: contents, the union of its children's boxes). */
function shownSize(el: Element | null): { width: number; height: number } | null {
  if (!el) return null;
  if (getComputedStyle(el).display !== "contents") {
    const r = el.getBoundingClientRect();
    return { width: r.width, height: r.height };
  }
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (const child of Array.from(el.children)) {
    if (child.classList.contains("output-popout")) continue;
    const r = child.getBoundingClientRect();
    left = Math.min(left, r.left);
    top = Math.min(top, r.top);
    right = Math.max(right, r.right);
    bottom = Math.max(bottom, r.bottom);
  }
  return right > left ? { width: right - left, height: bottom - top } : null;
}

/** Pop out the selected cell's output (command palette); false when there is nothing to pop out. */
export function popOutCell(session: string | null, cellId: string | null): boolean {
  if (session === null || cellId === null) return false;
  const outputs = document.querySelector(`#cell-${CSS.escape(cellId)} .outputs`);
  popOut(session, { cell: cellId, output: null }, shownSize(outputs));
  return true;
}

/** The button at the top right of one output. `output` null pops out every output of the cell. */
export function PopOutButton({ cell, output }: PopoutTarget) {
  const ui = useContext(UiContext);
  const open = (e: MouseEvent) => {
    const session = ui.controller.store.get().session;
    if (session === null) return;
    const host = (e.currentTarget as HTMLElement).closest(output === null ? ".outputs" : ".output");
    popOut(session, { cell, output }, shownSize(host));
  };
  return (
    <div class="output-popout">
      <button type="button" title="Pop out: show this output in a window of its own (stays live)" aria-label="Pop out this output" data-action="pop-out" onClick={open}>
        <svg width="13" height="13" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
          <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
        </svg>
      </button>
    </div>
  );
}
