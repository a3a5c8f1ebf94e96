import { describe, expect, it, vi } from "vitest";
import { cachedBadgeText, formatSaved, mayHaveCache } from "../src/cache";
import { PROTOCOL_VERSION, decodeServerMessage, type CellState } from "../src/protocol";
import {
  DEFAULT_SETTINGS,
  SettingsHub,
  desktopBackend,
  effectiveOutputPosition,
  findDesktopApi,
  localBackend,
  normaliseSettings,
  serverBackend,
  settingsChanges,
  type UserSettings,
} from "../src/settings";
import { handleShellCommand, type ShellHandlers } from "../src/shellCommands";
import { applyLocal, applyServer, initialState, type State } from "../src/store";

const flush = () => new Promise((r) => setTimeout(r, 0));

function cell(id: string, extra: Partial<CellState> = {}): CellState {
  return { id, kind: "code", code: "", options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [], ...extra };
}

function session(cells: CellState[], config: { [k: string]: unknown } = {}): State {
  return applyServer(initialState(), {
    type: "session",
    version: PROTOCOL_VERSION,
    session: "s",
    path: "/nb.py",
    name: "nb.py",
    mode: "auto",
    read_only: false,
    cells,
    kernel: { state: "idle" },
    config,
  });
}

describe("settings model", () => {
  it("normalises leniently like settings.py: valid values kept, the rest defaulted", () => {
    expect(normaliseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(normaliseSettings({ theme: "dark", keymap: "nano", font_size: 16, output_position: "above", extra: 1 })).toEqual({
      ...DEFAULT_SETTINGS,
      theme: "dark",
      font_size: 16,
      output_position: "above",
    });
    expect(normaliseSettings({ font_size: "16" }).font_size).toBe(DEFAULT_SETTINGS.font_size);
  });

  it("settingsChanges keeps only valid values that differ", () => {
    expect(settingsChanges(DEFAULT_SETTINGS, { theme: "system", keymap: "vim", font_size: 99 as never })).toEqual({ keymap: "vim" });
  });

  it("output position: the notebook's own value wins, then the user's default, then the server's", () => {
    const user: UserSettings = { ...DEFAULT_SETTINGS, output_position: "above" };
    expect(effectiveOutputPosition({ notebook: { output: "below" }, output_position: "below" }, user)).toBe("below");
    expect(effectiveOutputPosition({ notebook: { output: null }, output_position: "below" }, user)).toBe("above");
    expect(effectiveOutputPosition({ output_position: "above" }, null)).toBe("above");
    expect(effectiveOutputPosition({}, null)).toBe("below");
  });
});

describe("SettingsHub", () => {
  it("applies a change at once, stores only the diff, and adopts what storage answers", async () => {
    const effects = vi.fn();
    const hub = new SettingsHub(effects);
    const saved: unknown[] = [];
    hub.setBackend({
      kind: "desktop",
      load: () => Promise.resolve({ ...DEFAULT_SETTINGS, theme: "dark" }),
      save: (c) => (saved.push(c), Promise.resolve({ ...DEFAULT_SETTINGS, theme: "dark", keymap: "vim" })),
    });
    hub.load();
    await flush();
    expect(hub.loaded).toBe(true);
    expect(hub.value.theme).toBe("dark");
    expect(effects).toHaveBeenCalledTimes(1);
    const seen: UserSettings[] = [];
    hub.subscribe((v) => seen.push(v));
    expect(hub.set({ keymap: "vim", theme: "dark" })).toEqual({ keymap: "vim" });
    expect(hub.value.keymap).toBe("vim"); // optimistic
    expect(saved).toEqual([{ keymap: "vim" }]);
    await flush();
    expect(seen.at(-1)?.keymap).toBe("vim");
    expect(hub.set({ keymap: "vim" })).toEqual({}); // nothing to store
    expect(saved.length).toBe(1);
  });

  it("server backend: sends settings_get / settings_set; the answer arrives as a message", () => {
    const sent: unknown[] = [];
    const hub = new SettingsHub();
    hub.setBackend(serverBackend((m) => sent.push(m)));
    hub.load();
    hub.set({ output_position: "above" });
    expect(sent).toEqual([{ type: "settings_get" }, { type: "settings_set", changes: { output_position: "above" } }]);
    hub.receive({ ...DEFAULT_SETTINGS, output_position: "above", font_size: 18 });
    expect(hub.value.font_size).toBe(18);
    expect(hub.storage).toBe("server");
  });

  it("reports a failed save instead of throwing", async () => {
    const hub = new SettingsHub();
    hub.setBackend({ kind: "desktop", load: () => undefined, save: () => Promise.reject(new Error("disk full")) });
    hub.set({ theme: "light" });
    await flush();
    expect(hub.error).toContain("disk full");
  });

  it("desktop bridge and localStorage backends", async () => {
    expect(findDesktopApi({})).toBeNull();
    const api = { get_settings: vi.fn(async () => ({ theme: "light" })), set_settings: vi.fn(async (c: unknown) => c) };
    expect(findDesktopApi({ pywebview: { api } })).toBe(api);
    await desktopBackend(api).save({ keymap: "vim" });
    expect(api.set_settings).toHaveBeenCalledWith({ keymap: "vim" });

    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    const local = localBackend(storage);
    await local.save({ font_size: 16 });
    expect(normaliseSettings(await local.load()).font_size).toBe(16);
  });
});

describe("shell commands", () => {
  const handlers = (): ShellHandlers & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      open_settings: () => calls.push("settings"),
      set_theme: (t) => calls.push(`theme:${t}`),
      set_view: (v) => calls.push(`view:${v}`),
      save: () => calls.push("save"),
      run_all: () => calls.push("run_all"),
      show_shortcuts: () => calls.push("shortcuts"),
      goto_cell: (id) => calls.push(`goto:${id}`),
    };
  };

  it("claims the commands it handles, with their arguments", () => {
    const h = handlers();
    for (const d of [
      { command: "open_settings" },
      { command: "set_theme", theme: "dark" },
      { command: "set_view", view: "app" },
      { command: "save" },
      { command: "run_all" },
      { command: "show_shortcuts" },
      { command: "goto_cell", id: "c1" },
    ]) {
      expect(handleShellCommand(d, h)).toBe(true);
    }
    expect(h.calls).toEqual(["settings", "theme:dark", "view:app", "save", "run_all", "shortcuts", "goto:c1"]);
  });

  it("leaves the rest (and bad arguments) to the shell", () => {
    const h = handlers();
    expect(handleShellCommand({ command: "interrupt" }, h)).toBe(false);
    expect(handleShellCommand({ command: "set_view", view: "split" }, h)).toBe(false);
    expect(handleShellCommand({ command: "set_theme", theme: "pink" }, h)).toBe(false);
    expect(handleShellCommand({ command: "goto_cell", id: 7 }, h)).toBe(false);
    expect(handleShellCommand(null, h)).toBe(false);
    expect(h.calls).toEqual([]);
  });
});

describe("store: cache badge and notebook config", () => {
  it("cell_cached adds up until the next cell_clear; a reconnect's session message carries it", () => {
    let s = session([cell("a"), cell("b", { cached_seconds: 3 })]);
    expect(s.cells.b.cached_seconds).toBe(3);
    expect(s.cells.a.cached_seconds).toBeUndefined();
    s = applyServer(s, { type: "cell_cached", id: "a", saved_seconds: 1.2 });
    s = applyServer(s, { type: "batch", events: [{ type: "cell_cached", id: "a", saved_seconds: 0.5 }] });
    expect(s.cells.a.cached_seconds).toBeCloseTo(1.7);
    s = applyServer(s, { type: "cell_clear", id: "a" });
    expect("cached_seconds" in s.cells.a).toBe(false);
  });

  it("decodes the new server messages", () => {
    expect(decodeServerMessage('{"type":"cell_cached","id":"a","saved_seconds":1}').ok).toBe(true);
    expect(decodeServerMessage('{"type":"settings","values":{}}').ok).toBe(true);
    const s = session([cell("a")]);
    expect(applyServer(s, { type: "settings", values: { ...DEFAULT_SETTINGS } })).toBe(s);
  });

  it("notebook_config updates the notebook's values, the output position and the mode", () => {
    let s = session([cell("a")], { output_position: "below", notebook: { output: null, runtime: null } });
    s = applyLocal(s, { type: "notebook_config", output: "above" });
    expect(s.config.output_position).toBe("above");
    expect(s.config.notebook).toEqual({ output: "above", runtime: null });
    expect(effectiveOutputPosition(s.config, { ...DEFAULT_SETTINGS })).toBe("above");
    s = applyLocal(s, { type: "notebook_config", runtime: "lazy" });
    expect(s.mode).toBe("lazy");
    expect(s.config.notebook).toEqual({ output: "above", runtime: "lazy" });
  });
});

describe("cache badge wording", () => {
  it("formats the saved time", () => {
    expect(formatSaved(1.23)).toBe("1.2 s");
    expect(formatSaved(0)).toBe("< 0.1 s");
    expect(formatSaved(0.06)).toBe("0.1 s");
    expect(formatSaved(42.4)).toBe("42 s");
    expect(formatSaved(125)).toBe("2 min 5 s");
    expect(formatSaved(3600 + 180)).toBe("1 h 3 min");
    expect(cachedBadgeText(1.2)).toBe("restored from cache · saved 1.2 s");
  });

  it("offers Clear cache where a cell can have one", () => {
    expect(mayHaveCache("x = 1", undefined)).toBe(false);
    expect(mayHaveCache("with reflow.persistent_cache('a'):\n  x = 1", undefined)).toBe(true);
    expect(mayHaveCache("x = 1", 0.4)).toBe(true);
  });
});
