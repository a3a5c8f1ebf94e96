import { describe, expect, it } from "vitest";
import { commandKey, globalKey, KEY_HELP, keyToken, type KeyPress } from "../src/keys";
import { fuzzyFilter, fuzzyScore } from "../src/palette/fuzzy";
import { COMMANDS, keyLabel, shortcutLabel } from "../src/palette/registry";
import { runOnChoices } from "../src/palette/runOn";

/** A registry binding token back into the key presses a user makes. */
function presses(binding: string): KeyPress[] {
  return binding.split(" ").map((tok) => {
    const parts = tok.split("-");
    const key = parts[parts.length - 1];
    const mods = new Set(parts.slice(0, -1));
    const alt = mods.has("Alt"); // Alt chords are read from the physical key (keys.ts)
    return {
      key: (mods.has("Mod") || alt) && mods.has("Shift") && key.length === 1 ? key.toUpperCase() : key,
      ctrl: mods.has("Mod"),
      shift: mods.has("Shift") || (key.length === 1 && key !== key.toLowerCase()),
      alt,
      code: alt && key.length === 1 ? `Key${key.toUpperCase()}` : undefined,
    };
  });
}

describe("one registry of commands", () => {
  it("every binding the palette shows runs its command (keys cannot drift from labels)", () => {
    for (const c of COMMANDS) {
      for (const b of c.keys ?? []) {
        let pending = "";
        let got: string | null = null;
        for (const p of presses(b)) {
          const r = c.global ? { command: globalKey(p), pending: "" } : commandKey(p, pending);
          got = r.command;
          pending = r.pending;
        }
        expect([b, got]).toEqual([b, c.id]);
      }
    }
  });
  it("ids are unique and the Keys panel lists every bound command", () => {
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
    const listed = new Set(KEY_HELP.map(([, what]) => what));
    for (const c of COMMANDS) if (c.keys?.length) expect(listed.has(c.title)).toBe(true);
  });
  it("palette, find and save are global; the palette key is Ctrl/⌘-Shift-P", () => {
    expect(globalKey({ key: "P", ctrl: true, shift: true })).toBe("palette");
    expect(globalKey({ key: "P", meta: true, shift: true })).toBe("palette");
    expect(globalKey({ key: "f", ctrl: true })).toBe("find");
    expect(globalKey({ key: "s", meta: true })).toBe("save");
    expect(globalKey({ key: "j" })).toBe(null);
    expect(commandKey({ key: "P", ctrl: true, shift: true }).command).toBe("palette");
  });
  it("labels read like the keys", () => {
    expect(keyLabel("Mod-Shift-p")).toBe("Ctrl/⌘-Shift-P");
    expect(keyLabel("g g")).toBe("gg");
    expect(keyLabel("Mod-Shift-ArrowUp")).toBe("Ctrl/⌘-Shift-↑");
    expect(shortcutLabel(COMMANDS.find((c) => c.id === "next")!)).toBe("j, ↓");
    expect(keyToken({ key: "Enter", shift: true })).toBe("Shift-Enter");
    expect(keyToken({ key: "G", shift: true })).toBe("G");
    expect(keyToken({ key: "x", alt: true })).toBe(null);
  });
  it("the header menu offers the commands its narrow layout hides", () => {
    const menu = new Set(COMMANDS.filter((c) => c.menu).map((c) => c.id));
    for (const id of ["restart", "mode-auto", "mode-lazy", "export-html", "export-ipynb", "toggle-theme", "open-settings", "save", "toggle-output-position", "find"] as const) {
      expect(menu.has(id)).toBe(true);
    }
  });
});

describe("fuzzy filter", () => {
  const titles = COMMANDS.map((c) => c.title);
  it("matches characters in order, case-insensitively", () => {
    expect(fuzzyScore("rst", "Restart the kernel")).not.toBeNull();
    expect(fuzzyScore("xyz", "Restart the kernel")).toBeNull();
    expect(fuzzyScore("", "anything")).toBe(0);
  });
  it("ranks word starts and whole words first", () => {
    expect(fuzzyFilter("restart", titles, (t) => t)[0]).toBe("Restart the kernel (code stays, outputs are cleared)");
    expect(fuzzyFilter("exp ipynb", titles, (t) => t)[0]).toBe("Export Jupyter notebook (.ipynb)");
    expect(fuzzyFilter("del", titles, (t) => t)[0]).toBe("Delete the selected cell");
  });
  it("an empty query keeps every command in registry order", () => {
    expect(fuzzyFilter("", titles, (t) => t)).toEqual(titles);
  });
});

describe("Run on...", () => {
  it("offers this computer, the recent places that match, then the typed host", () => {
    expect(runOnChoices("", ["ssh:gpu-box", "ssh:lab"]).map((c) => c.place)).toEqual(["local", "ssh:gpu-box", "ssh:lab"]);
    expect(runOnChoices("gpu", ["ssh:gpu-box", "ssh:lab"]).map((c) => c.place)).toEqual(["ssh:gpu-box", "ssh:gpu"]);
    expect(runOnChoices("me@10.0.0.7", []).map((c) => c.place)).toEqual(["ssh:me@10.0.0.7"]);
    expect(runOnChoices("ssh:lab", ["ssh:lab"]).map((c) => c.place)).toEqual(["ssh:lab"]);
    expect(runOnChoices("", ["ssh:lab"])[0].label).toBe("This computer");
  });

  it("never offers text the server would read as an ssh option", () => {
    for (const bad of ["-oProxyCommand=x", "a b", "a;b", "ssh:-J evil"]) {
      expect(runOnChoices(bad, []).map((c) => c.place)).toEqual([]);
    }
  });
});
