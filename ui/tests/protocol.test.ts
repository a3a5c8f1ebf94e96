import { describe, expect, it } from "vitest";
import { SETTINGS, SERVER_MESSAGE_TYPES, decodeServerMessage, type ServerMessage } from "../src/protocol";
import { DEFAULT_SETTINGS, SETTING_CHOICES, normaliseSettings, type SettingKey } from "../src/settings";
import { applyServer, initialState } from "../src/store";

describe("generated protocol", () => {
  it("the store handles every server message type the definition declares", () => {
    // applyServer's switch must know each type: an unknown one would fall through unnoticed.
    const samples: { [T in ServerMessage["type"]]: Extract<ServerMessage, { type: T }> } = {
      session: { type: "session", version: 1, session: "s", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false, cells: [], kernel: "idle", config: {} },
      kernel: { type: "kernel", state: "busy" },
      cell_status: { type: "cell_status", id: "a", status: "running" },
      cell_progress: { type: "cell_progress", id: "a", done: 1, total: 3 },
      cell_clear: { type: "cell_clear", id: "a" },
      cell_output: { type: "cell_output", id: "a", output: { kind: "stream", name: "stdout", text: "hi" } },
      cell_cached: { type: "cell_cached", id: "a", saved_seconds: 1 },
      graph: { type: "graph", cells: {}, order_valid: false },
      cells: { type: "cells", cells: [] },
      transaction_applied: { type: "transaction_applied", version: 1, source: "ui", changes: [{ op: "create", id: "n", index: 0 }] },
      variables: { type: "variables", items: [{ name: "x", type: "int", preview: "1", defined_by: "a", used_by: [] }] },
      saved: { type: "saved", path: "/nb.py", mtime: 1 },
      notice: { type: "notice", level: "info", text: "hello" },
      error: { type: "error", text: "no" },
      complete_reply: { type: "complete_reply", request_id: "r", matches: [], cursor_start: 0, cursor_end: 0 },
      inspect_reply: { type: "inspect_reply", request_id: "r", found: false, text: "" },
      ui_values: { type: "ui_values", values: {} },
      widget_comm: { type: "widget_comm", op: "open", comm_id: "c", data: { state: {} }, target_name: "jupyter.widget" },
      widget_comm_idle: { type: "widget_comm_idle", request_id: "r" },
      table_page_reply: { type: "table_page_reply", request_id: "t", element_id: "e", error: "gone" },
      batch: { type: "batch", events: [{ type: "notice", level: "warning", text: "batched" }] },
      settings: { type: "settings", values: { ...DEFAULT_SETTINGS } },
      env_progress: { type: "env_progress", line: "Resolved 1 package" },
      packages: { type: "packages", dependencies: [], requires_python: null, locked: false, env: { state: "none" } },
      trust: { type: "trust", trust: { status: "changed", held: ["a"], packages: [] } },
      place: { type: "place", place: "ssh:gpu-box", label: "on gpu-box", recent: ["ssh:gpu-box"] },
      background_kernel: { type: "background_kernel", pid: 4242 },
      secret_request: { type: "secret_request", names: ["OPENAI_API_KEY"], keychain: "SecretService Keyring" },
      cell_history: { type: "cell_history", request_id: "h", id: "c1", entries: [{ key: "k", code: "x = 1", ran_at: "2026-12-03T12:00:00Z", outputs: [] }], notes: [] },
      lsp_reply: { type: "lsp_reply", request_id: "l", op: "definition", ok: true, locations: [{ id: "c1", line: 0, character: 0, end_line: 0, end_character: 1 }] },
      lsp_diagnostics: { type: "lsp_diagnostics", cells: { c1: [{ line: 0, character: 4, end_line: 0, end_character: 5, severity: "error", message: "Undefined name `y`" }] } },
    };
    expect(Object.keys(samples).sort()).toEqual([...SERVER_MESSAGE_TYPES].sort());
    for (const msg of Object.values(samples)) {
      const decoded = decodeServerMessage(JSON.stringify(msg));
      expect(decoded.ok).toBe(true);
      expect(() => applyServer(initialState(), msg as ServerMessage)).not.toThrow();
    }
    expect(decodeServerMessage('{"type":"kernel_state"}')).toEqual({ ok: false, reason: 'unknown message type "kernel_state"' });
  });

  it("settings defaults and choices are the declared ones (settings.py via the generated module)", () => {
    for (const key of Object.keys(SETTINGS) as SettingKey[]) {
      expect(DEFAULT_SETTINGS[key]).toBe(SETTINGS[key].default);
      expect(SETTING_CHOICES[key][0]).toBe(SETTINGS[key].default);
    }
    expect(Object.keys(DEFAULT_SETTINGS).sort()).toEqual(Object.keys(SETTINGS).sort());
    // a value the declaration does not allow is dropped, an allowed one kept
    expect(normaliseSettings({ font_size: 17, keymap: "emacs" })).toEqual({ ...DEFAULT_SETTINGS, keymap: "emacs" });
  });
});
