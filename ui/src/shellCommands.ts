// The desktop shell's menus talk to the page with cancelable `reflow:command` events
// (docs/protocol.md "Shell commands"). A command the page handles is claimed with
// preventDefault(), otherwise the shell falls back to doing it natively.

import type { ThemeChoice } from "./theme";

export type View = "code" | "app";

export interface ShellHandlers {
  open_settings(): void;
  set_theme(theme: ThemeChoice): void;
  set_view(view: View): void;
  save(): void;
  run_all(): void;
  show_shortcuts(): void;
  goto_cell(id: string): void;
  /** View ▸ Pop Out Cell Output: the selected cell's output in a window of its own (popout/) */
  pop_out?(): void;
}

/** Run the handler for one event's detail; true if the page handled (claims) it. */
export function handleShellCommand(detail: unknown, h: ShellHandlers): boolean {
  if (typeof detail !== "object" || detail === null) return false;
  const d = detail as { command?: unknown; theme?: unknown; view?: unknown; id?: unknown };
  switch (d.command) {
    case "open_settings":
      h.open_settings();
      return true;
    case "set_theme":
      if (d.theme !== "system" && d.theme !== "light" && d.theme !== "dark") return false;
      h.set_theme(d.theme);
      return true;
    case "set_view":
      if (d.view !== "code" && d.view !== "app") return false;
      h.set_view(d.view);
      return true;
    case "save":
      h.save();
      return true;
    case "run_all":
      h.run_all();
      return true;
    case "show_shortcuts":
      h.show_shortcuts();
      return true;
    case "pop_out":
      if (!h.pop_out) return false;
      h.pop_out();
      return true;
    case "goto_cell": // a run-finished notification was clicked
      if (typeof d.id !== "string") return false;
      h.goto_cell(d.id);
      return true;
  }
  return false; // interrupt / restart / export: the shell does those itself
}

export function listenShellCommands(target: EventTarget, h: ShellHandlers): () => void {
  const on = (e: Event) => {
    if (handleShellCommand((e as CustomEvent).detail, h)) e.preventDefault();
  };
  target.addEventListener("reflow:command", on);
  return () => target.removeEventListener("reflow:command", on);
}
