// Light/dark: follows the OS unless the user picked one (stored in localStorage).

export type ThemeChoice = "light" | "dark" | "system";
export const THEME_KEY = "reflow.theme";

export function storedTheme(storage: Pick<Storage, "getItem"> | null): ThemeChoice {
  const v = storage?.getItem(THEME_KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function resolveTheme(choice: ThemeChoice, osDark: boolean): "light" | "dark" {
  return choice === "system" ? (osDark ? "dark" : "light") : choice;
}

/** The toggle flips the visible theme; choosing the OS's own theme goes back to "system". */
export function toggledTheme(choice: ThemeChoice, osDark: boolean): ThemeChoice {
  const next = resolveTheme(choice, osDark) === "dark" ? "light" : "dark";
  return next === (osDark ? "dark" : "light") ? "system" : next;
}

function osDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolveTheme(choice, osDark());
}

export function toggleTheme(): ThemeChoice {
  let storage: Storage | null = null;
  try {
    storage = localStorage;
  } catch {
    /* private mode */
  }
  const next = toggledTheme(storedTheme(storage), osDark());
  try {
    if (next === "system") storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, next);
  } catch {
    /* ignore */
  }
  applyTheme(next);
  return next;
}

export function watchOsTheme(): void {
  if (typeof matchMedia !== "function") return;
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    let choice: ThemeChoice = "system";
    try {
      choice = storedTheme(localStorage);
    } catch {
      /* ignore */
    }
    applyTheme(choice);
  });
}
