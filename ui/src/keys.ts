// Command-mode keyboard map (outside any editor). Pure: a key press and the pending prefix
// in, a command and the new prefix out. The bindings are the command registry's
// (palette/registry.ts), so the Keys panel, the palette and the keys cannot disagree.

import { COMMANDS, EDITOR_KEYS, shortcutLabel, type CommandId } from "./palette/registry";

export type Command = CommandId;

export interface KeyPress {
  key: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  alt?: boolean;
  /** The physical key (KeyboardEvent.code): Alt chords are read from it, as Alt changes `key` on macOS. */
  code?: string;
}

export interface KeyResult {
  command: Command | null;
  /** pending prefix, e.g. "d" after the first d of "dd", "i" after the first i of "ii" */
  pending: string;
}

/** Platform modifier: Cmd on macOS, Ctrl elsewhere; both accepted. */
const mod = (k: KeyPress) => !!(k.ctrl || k.meta);

/**
 * A key press as a registry token: "j", "G", "?", "Enter", "Shift-Enter", "Mod-s", "Mod-Shift-p",
 * "Mod-Shift-ArrowUp", "Shift-Alt-f"; null for other Alt chords (left to the system). A printable key without the
 * modifier is taken as typed ("G" is Shift-g already).
 */
export function keyToken(k: KeyPress): string | null {
  if (k.alt) return k.shift && !mod(k) && k.code?.startsWith("Key") ? `Shift-Alt-${k.code.slice(3).toLowerCase()}` : null;
  const named = k.key.length > 1;
  if (mod(k)) return `Mod-${k.shift ? "Shift-" : ""}${named ? k.key : k.key.toLowerCase()}`;
  if (named && k.shift) return `Shift-${k.key}`;
  return k.key;
}

function buildMaps(global: boolean): { seq: Map<string, Command>; prefixes: Set<string> } {
  const seq = new Map<string, Command>();
  const prefixes = new Set<string>();
  for (const c of COMMANDS) {
    if (!!c.global !== global) continue;
    for (const b of c.keys ?? []) {
      if (seq.has(b)) throw new Error(`key ${b} is bound twice (${seq.get(b)} and ${c.id})`);
      seq.set(b, c.id);
      const parts = b.split(" ");
      for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join(" "));
    }
  }
  return { seq, prefixes };
}

const LOCAL = buildMaps(false);
const GLOBAL = buildMaps(true);

export function commandKey(k: KeyPress, pending = ""): KeyResult {
  const t = keyToken(k);
  if (t === null) return { command: null, pending: "" };
  const global = GLOBAL.seq.get(t);
  if (global) return { command: global, pending: "" };
  if (pending) {
    const c = LOCAL.seq.get(`${pending} ${t}`);
    if (c) return { command: c, pending: "" };
  }
  const c = LOCAL.seq.get(t);
  if (c) return { command: c, pending: "" };
  if (LOCAL.prefixes.has(t)) return { command: null, pending: t };
  return { command: null, pending: "" };
}

/** A key the page takes everywhere, editors and fields included (palette, find, save). */
export function globalKey(k: KeyPress): Command | null {
  const t = keyToken(k);
  return t === null ? null : (GLOBAL.seq.get(t) ?? null);
}

export const KEY_HELP: [string, string][] = [
  ...EDITOR_KEYS,
  ...COMMANDS.filter((c) => c.keys?.length).map((c): [string, string] => [shortcutLabel(c), c.title]),
];
