// The Settings page: this notebook's own settings (saved in its [tool.reflow] table)
// and the user's settings (theme, font size, keymap, defaults for notebooks).

import { useEffect, useRef, useState } from "preact/hooks";
import type { Controller } from "../controller";
import type { OutputPosition, RuntimeMode } from "../protocol";
import { effectiveOutputPosition, SETTING_CHOICES, type SettingsHub, type UserSettings } from "../settings";
import type { State } from "../store";
import { Icon } from "./icons";

export function useSettings(hub: SettingsHub): UserSettings {
  const [v, set] = useState(hub.value);
  useEffect(() => {
    set(hub.value);
    return hub.subscribe((x) => set({ ...x }));
  }, [hub]);
  return v;
}

interface ChoiceProps<T extends string | number> {
  name: string;
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(v: T): void;
  disabled?: boolean;
}

/** One row: a label and a segmented control (buttons carry data-value for tests). */
function Choice<T extends string | number>(p: ChoiceProps<T>) {
  return (
    <div class="setting-row">
      <span class="setting-label" id={`setting-${p.name}`}>
        {p.label}
      </span>
      <div class="segmented" role="radiogroup" aria-labelledby={`setting-${p.name}`} data-setting={p.name}>
        {p.options.map((o) => (
          <button
            key={String(o.value)}
            role="radio"
            aria-checked={p.value === o.value}
            class={p.value === o.value ? "on" : ""}
            data-value={String(o.value)}
            disabled={p.disabled}
            onClick={() => p.onChange(o.value)}
          >
            {o.label}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Buttons for a setting's declared choices (settings.py), in declared order, each with its label. */
function options<T extends string>(choices: readonly T[], labels: Record<T, string>) {
  return choices.map((value) => ({ value, label: labels[value] }));
}

const OUTPUT_OPTIONS = options<OutputPosition>(SETTING_CHOICES.output_position, { below: "Below code", above: "Above code" });
const RUNTIME_OPTIONS = options<RuntimeMode>(SETTING_CHOICES.runtime_mode, { auto: "Auto", lazy: "Lazy" });
const KEEP_AWAKE_OPTIONS = options<UserSettings["keep_awake"]>(SETTING_CHOICES.keep_awake, { on: "On", off: "Off" });
const DATA_LIBRARY_OPTIONS = options<UserSettings["data_library"]>(SETTING_CHOICES.data_library, { pandas: "pandas", polars: "polars" });
const MCP_OPTIONS = options<UserSettings["mcp_server"]>(SETTING_CHOICES.mcp_server, { off: "Off", on: "On" });
const THEME_OPTIONS = options<UserSettings["theme"]>(SETTING_CHOICES.theme, { system: "System", light: "Light", dark: "Dark" });
const STORAGE_TEXT = {
  desktop: "Your settings are stored in Reflow's settings file.",
  server: "Your settings are stored in Reflow's settings file (through the local server).",
  local: "Demo mode: your settings are stored in this browser.",
};

export function SettingsPage(p: { state: State; controller: Controller; hub: SettingsHub; onClose(): void }) {
  const { state: s, controller: ctl, hub } = p;
  const user = useSettings(hub);
  const dialog = useRef<HTMLDivElement>(null);
  const nb = (s.config.notebook ?? {}) as { output?: OutputPosition | null; runtime?: RuntimeMode | null };
  const output = effectiveOutputPosition(s.config, hub.loaded ? user : null);

  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    return () => prev?.focus?.({ preventScroll: true });
  }, []);

  const onKey = (e: KeyboardEvent) => {
    // the notebook's command keys (dd, a, b…) must not act while Settings is open
    e.stopPropagation();
    if (e.key === "Escape") {
      e.preventDefault();
      p.onClose();
    }
  };

  return (
    <div class="settings-overlay" onMouseDown={(e) => e.target === e.currentTarget && p.onClose()}>
      <div class="settings-page" role="dialog" aria-modal="true" aria-label="Settings" tabIndex={-1} ref={dialog} onKeyDown={onKey}>
        <header class="settings-head">
          <Icon name="gear" size={18} />
          <h2>Settings</h2>
          <div class="spacer" />
          <button class="icon-btn" title="Close (Esc)" aria-label="Close settings" onClick={p.onClose} data-action="close-settings">
            <Icon name="x" size={17} />
          </button>
        </header>

        {!s.readOnly && s.session !== null && (
          <section class="settings-section" aria-label="This notebook">
            <h3>This notebook</h3>
            <p class="settings-hint">Saved in the notebook file's <code>[tool.reflow]</code> table, so they travel with it.</p>
            <Choice
              name="notebook-output"
              label={`Outputs${nb.output ? "" : " (your default)"}`}
              value={output}
              options={OUTPUT_OPTIONS}
              onChange={(v) => ctl.setNotebookConfig({ output: v })}
            />
            <Choice name="notebook-runtime" label="Runtime" value={s.mode} options={RUNTIME_OPTIONS} onChange={(v) => ctl.setNotebookConfig({ runtime: v })} />
            <div class="setting-row">
              <span class="setting-label">
                Cache
                <span class="setting-sub">Results saved by <code>reflow.persistent_cache</code> beside the notebook</span>
              </span>
              <button class="btn small" onClick={() => ctl.clearCache()} data-action="clear-notebook-cache">
                <Icon name="cache" size={14} /> Clear cache
              </button>
            </div>
          </section>
        )}

        <section class="settings-section" aria-label="Appearance and editor">
          <h3>Appearance &amp; editor</h3>
          <Choice
            name="theme"
            label="Theme"
            value={user.theme}
            options={THEME_OPTIONS}
            onChange={(v) => hub.set({ theme: v })}
          />
          <div class="setting-row">
            <label class="setting-label" for="setting-font-size">
              Code font size
            </label>
            <select id="setting-font-size" data-setting="font_size" value={String(user.font_size)} onChange={(e) => hub.set({ font_size: Number((e.target as HTMLSelectElement).value) as UserSettings["font_size"] })}>
              {[...SETTING_CHOICES.font_size].sort((a, b) => a - b).map((n) => (
                <option key={n} value={String(n)}>
                  {n} px
                </option>
              ))}
            </select>
          </div>
          <Choice
            name="keymap"
            label="Editor keys"
            value={user.keymap === "vim" ? "vim" : "default"}
            options={[
              { value: "default", label: "Default" },
              { value: "vim", label: "Vim" },
            ]}
            onChange={(v) => hub.set({ keymap: v })}
          />
          {user.keymap === "vim" && <p class="settings-hint">Vim: Esc in normal mode leaves the cell; Shift-Enter still runs it.</p>}
        </section>

        <section class="settings-section" aria-label="Output history">
          <h3>Output history</h3>
          <p class="settings-hint">Every run's outputs are kept with the code that made them (a cell's "history"), in the notebook's __reflow__ folder; the oldest go first.</p>
          <div class="setting-row">
            <label class="setting-label" for="setting-history-budget">
              Space per notebook
            </label>
            <select id="setting-history-budget" data-setting="history_budget_mb" value={String(user.history_budget_mb)} onChange={(e) => hub.set({ history_budget_mb: Number((e.target as HTMLSelectElement).value) as UserSettings["history_budget_mb"] })}>
              {[...SETTING_CHOICES.history_budget_mb].sort((a, b) => a - b).map((n) => (
                <option key={n} value={String(n)}>
                  {n === 0 ? "Keep no history" : n < 1000 ? `${n} MB` : `${n / 1000} GB`}
                </option>
              ))}
            </select>
          </div>
        </section>

        <section class="settings-section" aria-label="Long runs">
          <h3>Long runs</h3>
          <p class="settings-hint">In the desktop app: a run that ends while its window is in the background is announced by a notification; a click on it shows the cell.</p>
          <div class="setting-row">
            <label class="setting-label" for="setting-notify-after">
              Notify after
            </label>
            <select id="setting-notify-after" data-setting="notify_after" value={String(user.notify_after)} onChange={(e) => hub.set({ notify_after: Number((e.target as HTMLSelectElement).value) as UserSettings["notify_after"] })}>
              {[...SETTING_CHOICES.notify_after].sort((a, b) => a - b).map((n) => (
                <option key={n} value={String(n)}>
                  {n === 0 ? "Never" : n < 60 ? `${n} s` : `${n / 60} min`}
                </option>
              ))}
            </select>
          </div>
          <Choice name="keep_awake" label="Keep the computer awake while cells run" value={user.keep_awake} options={KEEP_AWAKE_OPTIONS} onChange={(v) => hub.set({ keep_awake: v })} />
        </section>

        <section class="settings-section" aria-label="Defaults for notebooks">
          <h3>Defaults for notebooks</h3>
          <p class="settings-hint">Used when a notebook does not set its own.</p>
          <Choice name="runtime_mode" label="Runtime mode" value={user.runtime_mode} options={RUNTIME_OPTIONS} onChange={(v) => hub.set({ runtime_mode: v })} />
          <Choice name="output_position" label="Outputs" value={user.output_position} options={OUTPUT_OPTIONS} onChange={(v) => hub.set({ output_position: v })} />
          <Choice name="data_library" label="Dropped data files load with" value={user.data_library} options={DATA_LIBRARY_OPTIONS} onChange={(v) => hub.set({ data_library: v })} />
        </section>

        <section class="settings-section" aria-label="Coding agents">
          <h3>Coding agents (MCP)</h3>
          <p class="settings-hint">Lets an MCP client such as Claude Code read, edit and run the open notebooks; its changes show here as they happen.</p>
          <Choice name="mcp_server" label="Agent door" value={user.mcp_server} options={MCP_OPTIONS} onChange={(v) => hub.set({ mcp_server: v })} />
          {user.mcp_server === "on" && hub.storage !== "local" && (
            <p class="settings-hint" data-testid="mcp-address">
              Endpoint <code>{location.origin}/mcp</code>; <code>reflow mcp-url</code> prints it with this launch's token (docs/mcp.md).
            </p>
          )}
        </section>

        <footer class="settings-foot">
          {hub.error ? <span class="settings-error">{hub.error}</span> : <span>{hub.storage ? STORAGE_TEXT[hub.storage] : ""}</span>}
        </footer>
      </div>
    </div>
  );
}
