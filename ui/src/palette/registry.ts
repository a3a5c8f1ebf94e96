// The one list of the page's commands: what the command palette lists, what the header's
// overflow menu offers, what the Keys panel shows and what command-mode keys run (keys.ts
// derives its key map from `keys` here). A command added here is in all four; a key bound
// nowhere else cannot drift from its label.

export type CommandId =
  | "next"
  | "prev"
  | "first"
  | "last"
  | "add-above"
  | "add-below"
  | "edit"
  | "delete"
  | "undo-delete"
  | "run"
  | "run-and-next"
  | "run-all"
  | "save"
  | "to-markdown"
  | "to-code"
  | "move-up"
  | "move-down"
  | "interrupt"
  | "restart"
  | "run-on"
  | "toggle-code"
  | "help"
  | "palette"
  | "find"
  | "mode-auto"
  | "mode-lazy"
  | "toggle-output-position"
  | "toggle-theme"
  | "open-settings"
  | "toggle-panel"
  | "export-html"
  | "export-ipynb"
  | "export-pdf"
  | "format-cell"
  | "format-notebook"
  | "add-sql"
  | "toggle-sql"
  | "pop-out";

export interface CommandSpec {
  id: CommandId;
  title: string;
  /**
   * Key bindings in command mode (outside editors), as tokens: "j", "G", "Enter", "Shift-Enter",
   * "Mod-s" (Ctrl or ⌘), "Mod-Shift-ArrowUp"; a space separates the keys of a sequence ("d d").
   */
  keys?: string[];
  /** Bound everywhere, editors included (the page takes the key before the editor sees it). */
  global?: boolean;
  /** Changes the notebook: not offered in a read-only page or the app view. */
  edits?: boolean;
  /** Offered in the header's "⋯" menu (the header shows it inline only when there is room). */
  menu?: boolean;
}

export const COMMANDS: readonly CommandSpec[] = [
  { id: "palette", title: "Show all commands", keys: ["Mod-Shift-p"], global: true },
  { id: "find", title: "Find and replace in the notebook", keys: ["Mod-f"], global: true, menu: true },
  { id: "run", title: "Run cell", keys: ["Mod-Enter"], edits: true },
  { id: "run-and-next", title: "Run cell and select the next", keys: ["Shift-Enter"], edits: true },
  { id: "run-all", title: "Run all cells (or the stale ones)", edits: true },
  { id: "interrupt", title: "Interrupt the kernel", keys: ["i i"] },
  { id: "restart", title: "Restart the kernel (code stays, outputs are cleared)", edits: true, menu: true },
  { id: "run-on", title: "Run on… (run the kernel on an SSH host; the file stays here)", edits: true, menu: true },
  { id: "save", title: "Save", keys: ["Mod-s"], global: true, edits: true, menu: true },
  { id: "edit", title: "Edit the selected cell", keys: ["Enter"], edits: true },
  { id: "next", title: "Select the next cell", keys: ["j", "ArrowDown"] },
  { id: "prev", title: "Select the previous cell", keys: ["k", "ArrowUp"] },
  { id: "first", title: "Select the first cell", keys: ["g g", "Home"] },
  { id: "last", title: "Select the last cell", keys: ["G", "End"] },
  { id: "add-above", title: "Add a cell above", keys: ["a"], edits: true },
  { id: "add-below", title: "Add a cell below", keys: ["b"], edits: true },
  { id: "delete", title: "Delete the selected cell", keys: ["d d"], edits: true },
  { id: "undo-delete", title: "Undo delete", keys: ["z", "Mod-z"], edits: true },
  { id: "move-up", title: "Move the cell up", keys: ["Mod-Shift-ArrowUp"], edits: true },
  { id: "move-down", title: "Move the cell down", keys: ["Mod-Shift-ArrowDown"], edits: true },
  { id: "to-markdown", title: "Make the cell markdown", keys: ["m"], edits: true },
  { id: "to-code", title: "Make the cell code", keys: ["y"], edits: true },
  { id: "toggle-code", title: "Hide / show the cell's code", keys: ["h"], edits: true },
  { id: "format-cell", title: "Format the cell (ruff)", keys: ["Shift-Alt-f"], global: true, edits: true },
  { id: "format-notebook", title: "Format the notebook (ruff, every Python cell)", edits: true, menu: true },
  { id: "add-sql", title: "Add an SQL cell below (DuckDB over data frames and files)", edits: true },
  { id: "toggle-sql", title: "Make the cell SQL / Python", edits: true },
  { id: "mode-auto", title: "Runtime: auto (dependent cells re-run)", edits: true, menu: true },
  { id: "mode-lazy", title: "Runtime: lazy (dependent cells turn stale)", edits: true, menu: true },
  { id: "toggle-output-position", title: "Outputs above / below code", edits: true, menu: true },
  { id: "toggle-theme", title: "Light / dark theme", menu: true },
  { id: "open-settings", title: "Settings", menu: true },
  { id: "toggle-panel", title: "Side panel: variables, dependencies, packages, keys", edits: true, menu: true },
  { id: "export-html", title: "Export HTML (self-contained page)", menu: true },
  { id: "export-ipynb", title: "Export Jupyter notebook (.ipynb)", menu: true },
  { id: "export-pdf", title: "Export PDF (page breaks between cells)", menu: true },
  { id: "help", title: "Keyboard shortcuts", keys: ["?"], menu: true },
  { id: "pop-out", title: "Pop out the cell's output (a live window of its own)", menu: true },
];

const KEY_NAMES: Record<string, string> = {
  ArrowUp: "↑",
  ArrowDown: "↓",
  ArrowLeft: "←",
  ArrowRight: "→",
  Escape: "Esc",
};

/** One binding as people read it: "Mod-Shift-p" → "Ctrl/⌘-Shift-P", "g g" → "gg". */
export function keyLabel(binding: string): string {
  return binding
    .split(" ")
    .map((tok) =>
      tok
        .split("-")
        .map((part, i, parts) => {
          if (part === "Mod") return "Ctrl/⌘";
          if (i === parts.length - 1 && parts.length > 1 && part.length === 1) return part.toUpperCase();
          return KEY_NAMES[part] ?? part;
        })
        .join("-"),
    )
    .join("");
}

/** Every binding of a command, for the palette and the Keys panel ("j, ↓"). */
export function shortcutLabel(spec: CommandSpec): string {
  return (spec.keys ?? []).map(keyLabel).join(", ");
}

/** Keys the editors handle themselves (not commands of the page), listed in the Keys panel. */
export const EDITOR_KEYS: [string, string][] = [
  ["Esc", "leave the editor (command mode)"],
  ["Shift-Enter", "run cell, go to next (in editor)"],
  ["Ctrl/⌘-Enter", "run cell in place (in editor)"],
  ["Shift-Tab", "docs at cursor (in editor)"],
];
