// User settings (theme, default runtime mode, default output position, editor keymap,
// font size): the model, where they are stored, and how they reach the page. The
// settings are declared once, in desktop/reflow_desktop/settings.py; their type, defaults
// and allowed values come from there through the generated protocol module (`SETTINGS`).
// Stored in the desktop app through pywebview's bridge (window.pywebview.api), in a browser
// through the server (settings_get / settings_set → settings), in ?demo mode in localStorage.

import { SETTINGS, type OutputPosition, type Settings } from "./protocol";

/** The user's settings, as settings.py declares them (every key always present). */
export type UserSettings = Settings;
export type SettingKey = keyof UserSettings;
// The declarations and the settings type are generated from the same class: same keys.
const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
const _sameKeys: [Record<SettingKey, unknown>, Record<keyof typeof SETTINGS, unknown>] = [SETTINGS, {} as UserSettings];
void _sameKeys;

/** Allowed values per setting; the first is the default (as declared in settings.py). */
export const SETTING_CHOICES = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].choices])) as {
  readonly [K in SettingKey]: (typeof SETTINGS)[K]["choices"];
};

const declaredDefaults = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as {
  readonly [K in SettingKey]: (typeof SETTINGS)[K]["default"];
};
/** The declared defaults (the compiler checks each fits its setting's type). */
export const DEFAULT_SETTINGS: UserSettings = { ...declaredDefaults };

function allowed(key: SettingKey, value: unknown): boolean {
  return (SETTING_CHOICES[key] as readonly unknown[]).includes(value);
}

/** Lenient, like the Python side: keep valid values, default the rest. */
export function normaliseSettings(raw: unknown): UserSettings {
  const out: UserSettings = { ...DEFAULT_SETTINGS };
  if (typeof raw !== "object" || raw === null) return out;
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS) as SettingKey[]) {
    if (allowed(key, r[key])) (out as unknown as Record<string, unknown>)[key] = r[key];
  }
  return out;
}

/** Only the valid changes that differ from `current` (what to send to storage). */
export function settingsChanges(current: UserSettings, changes: Partial<UserSettings>): Partial<UserSettings> {
  const out: Partial<UserSettings> = {};
  for (const [key, value] of Object.entries(changes) as [SettingKey, unknown][]) {
    if (key in DEFAULT_SETTINGS && allowed(key, value) && current[key] !== value) {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}

/**
 * The output position a notebook shows: its own `[tool.reflow] output` when it has one,
 * else the user's default (or, before the settings loaded, what the server computed).
 */
export function effectiveOutputPosition(config: { [k: string]: unknown }, user: UserSettings | null): OutputPosition {
  const nb = (config.notebook as { output?: unknown } | undefined)?.output;
  if (nb === "above" || nb === "below") return nb;
  if (user) return user.output_position;
  return config.output_position === "above" ? "above" : "below";
}

// ---- storage backends ------------------------------------------------------------------

export interface SettingsBackend {
  readonly kind: "desktop" | "server" | "local";
  /** Resolves to the stored values, or void when they arrive later as a `settings` message. */
  load(): Promise<unknown> | void;
  save(changes: Partial<UserSettings>): Promise<unknown> | void;
}

export interface DesktopApi {
  get_settings(): Promise<unknown>;
  set_settings(changes: Partial<UserSettings>): Promise<unknown>;
}

export function desktopBackend(api: DesktopApi): SettingsBackend {
  return { kind: "desktop", load: () => api.get_settings(), save: (c) => api.set_settings(c) };
}

/** The server answers with a `settings` message, which the page routes to `receive`. */
export function serverBackend(send: (msg: { type: "settings_get" } | { type: "settings_set"; changes: Partial<UserSettings> }) => void): SettingsBackend {
  return {
    kind: "server",
    load: () => send({ type: "settings_get" }),
    save: (changes) => send({ type: "settings_set", changes }),
  };
}

const LOCAL_SETTINGS_KEY = "reflow.settings";

export function localBackend(storage: Pick<Storage, "getItem" | "setItem"> | null): SettingsBackend {
  const read = () => {
    try {
      return normaliseSettings(JSON.parse(storage?.getItem(LOCAL_SETTINGS_KEY) ?? "null"));
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  };
  return {
    kind: "local",
    load: () => Promise.resolve(read()),
    save: (changes) => {
      const next = { ...read(), ...changes };
      try {
        storage?.setItem(LOCAL_SETTINGS_KEY, JSON.stringify(next));
      } catch {
        /* private mode: keep them for this page only */
      }
      return Promise.resolve(next);
    },
  };
}

/** The desktop bridge, if this page runs inside the Reflow app. */
export function findDesktopApi(w: unknown): DesktopApi | null {
  const api = (w as { pywebview?: { api?: Partial<DesktopApi> } } | undefined)?.pywebview?.api;
  return api && typeof api.get_settings === "function" && typeof api.set_settings === "function" ? (api as DesktopApi) : null;
}

// ---- the hub -----------------------------------------------------------------------------

type Listener = (s: UserSettings) => void;

/**
 * The page's current settings. Changes apply at once (optimistic) and are then stored;
 * whatever storage answers wins. `effects` applies values to the page (theme, font, keymap).
 */
export class SettingsHub {
  value: UserSettings = { ...DEFAULT_SETTINGS };
  loaded = false;
  error: string | null = null;
  private listeners = new Set<Listener>();
  private backend: SettingsBackend | null = null;

  constructor(private effects: (s: UserSettings, prev: UserSettings | null) => void = () => {}) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  setBackend(backend: SettingsBackend): void {
    this.backend = backend;
  }

  get storage(): SettingsBackend["kind"] | null {
    return this.backend?.kind ?? null;
  }

  load(): void {
    this.settle(this.backend?.load());
  }

  /** Apply changes now; store them. Returns what actually changed. */
  set(changes: Partial<UserSettings>): Partial<UserSettings> {
    const diff = settingsChanges(this.value, changes);
    if (!Object.keys(diff).length) return diff;
    this.update({ ...this.value, ...diff });
    this.settle(this.backend?.save(diff));
    return diff;
  }

  /** Values from storage (a `settings` message or a bridge reply). */
  receive(values: unknown): void {
    this.loaded = true;
    this.error = null;
    this.update(normaliseSettings(values));
  }

  private settle(p: Promise<unknown> | void | undefined): void {
    if (!p || typeof (p as Promise<unknown>).then !== "function") return;
    (p as Promise<unknown>).then(
      (v) => {
        if (v && typeof v === "object") this.receive(v);
      },
      (e: unknown) => {
        this.error = `Settings could not be saved: ${String((e as Error)?.message ?? e)}`;
        this.emit();
      },
    );
  }

  private update(next: UserSettings): void {
    const prev = this.value;
    const same = (Object.keys(next) as SettingKey[]).every((k) => next[k] === prev[k]);
    this.value = next;
    if (!same || !this.appliedOnce) {
      this.appliedOnce = true;
      this.effects(next, prev);
    }
    this.emit();
  }
  private appliedOnce = false;

  private emit(): void {
    for (const fn of this.listeners) fn(this.value);
  }
}
