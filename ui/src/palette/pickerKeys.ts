// The keys of a filtered pick list (the command palette, "Run on…"): the arrows move the
// highlight round the list, Enter takes the highlighted entry, Escape closes without the key
// reaching the notebook behind the dialog.

export interface PickerKeys {
  /** how many entries are shown now */
  count: number;
  setActive(move: (active: number) => number): void;
  take(): void;
  close(): void;
}

export function onPickerKey(e: KeyboardEvent, keys: PickerKeys): void {
  if (e.key === "Escape") {
    e.preventDefault();
    e.stopPropagation();
    keys.close();
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const n = keys.count;
    if (n) keys.setActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
  } else if (e.key === "Enter") {
    e.preventDefault();
    keys.take();
  }
}
