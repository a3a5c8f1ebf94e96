// Command-mode keyboard map (outside any editor). Pure: a key press and the
// pending prefix in, a command and the new prefix out.

export type Command =
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
  | "save"
  | "to-markdown"
  | "to-code"
  | "move-up"
  | "move-down"
  | "interrupt"
  | "toggle-code"
  | "help";

export interface KeyPress {
  key: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  alt?: boolean;
}

export interface KeyResult {
  command: Command | null;
  /** pending prefix, e.g. "d" after the first d of "dd", "i" after the first i of "ii" */
  pending: string;
}

/** Platform modifier: Cmd on macOS, Ctrl elsewhere; both accepted. */
const mod = (k: KeyPress) => !!(k.ctrl || k.meta);

export function commandKey(k: KeyPress, pending = ""): KeyResult {
  // chords with the platform modifier
  if (mod(k) && !k.alt) {
    const key = k.key.toLowerCase();
    if (key === "s") return { command: "save", pending: "" };
    if (key === "z" && !k.shift) return { command: "undo-delete", pending: "" };
    if (k.key === "Enter") return { command: "run", pending: "" };
    if (k.shift && k.key === "ArrowUp") return { command: "move-up", pending: "" };
    if (k.shift && k.key === "ArrowDown") return { command: "move-down", pending: "" };
    return { command: null, pending: "" };
  }
  if (k.alt) return { command: null, pending: "" };
  if (k.key === "Enter") return { command: k.shift ? "run-and-next" : "edit", pending: "" };
  switch (k.key) {
    case "j":
    case "ArrowDown":
      return { command: "next", pending: "" };
    case "k":
    case "ArrowUp":
      return { command: "prev", pending: "" };
    case "g":
      return pending === "g" ? { command: "first", pending: "" } : { command: null, pending: "g" };
    case "G":
      return { command: "last", pending: "" };
    case "Home":
      return { command: "first", pending: "" };
    case "End":
      return { command: "last", pending: "" };
    case "a":
      return { command: "add-above", pending: "" };
    case "b":
      return { command: "add-below", pending: "" };
    case "d":
      return pending === "d" ? { command: "delete", pending: "" } : { command: null, pending: "d" };
    case "i":
      return pending === "i" ? { command: "interrupt", pending: "" } : { command: null, pending: "i" };
    case "z":
      return { command: "undo-delete", pending: "" };
    case "m":
      return { command: "to-markdown", pending: "" };
    case "y":
      return { command: "to-code", pending: "" };
    case "h":
      return { command: "toggle-code", pending: "" };
    case "?":
      return { command: "help", pending: "" };
  }
  return { command: null, pending: "" };
}

export const KEY_HELP: [string, string][] = [
  ["Shift-Enter", "run cell, go to next"],
  ["Ctrl/⌘-Enter", "run cell in place"],
  ["Esc", "leave the editor (command mode)"],
  ["Enter", "edit selected cell"],
  ["j / k, ↓ / ↑", "next / previous cell"],
  ["gg / G", "first / last cell"],
  ["a / b", "add cell above / below"],
  ["dd", "delete cell"],
  ["z, Ctrl/⌘-Z", "undo delete"],
  ["Ctrl/⌘-Shift-↑/↓", "move cell up / down"],
  ["m / y", "make markdown / code"],
  ["h", "hide / show code"],
  ["ii", "interrupt"],
  ["Shift-Tab", "docs at cursor (in editor)"],
  ["Ctrl/⌘-S", "save"],
  ["?", "this help"],
];
