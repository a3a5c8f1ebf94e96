// Applying the user's settings to the page: theme, code font size, editor keymap.
// Separate from settings.ts so the model stays free of DOM and CodeMirror.

import { setKeymapChoice } from "./editorLoader";
import { SettingsHub, type UserSettings } from "./settings";
import { applyTheme, THEME_KEY } from "./theme";

function applySettingsToPage(s: UserSettings, prev: UserSettings | null): void {
  if (!prev || prev.theme !== s.theme) {
    try {
      // theme.ts reads this at start-up, before the settings arrive: no flash of the wrong theme
      if (s.theme === "system") localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, s.theme);
    } catch {
      /* private mode */
    }
    applyTheme(s.theme);
  }
  document.documentElement.style.setProperty("--code-size", `${s.font_size}px`);
  if (!prev || prev.keymap !== s.keymap) setKeymapChoice(s.keymap);
}

/** The page's one settings hub (like the widget channel: one per page). */
export const userSettings = new SettingsHub(applySettingsToPage);
