// Pure value conversions for widgets (unit-tested): what an input's text becomes
// before it is sent, and how selections change.

/** Snap a slider position to its step grid and bounds (avoids 0.30000000000000004). */
export function snap(raw: number, start: number, stop: number, step: number): number {
  if (!Number.isFinite(raw)) return start;
  const clamped = Math.min(Math.max(raw, Math.min(start, stop)), Math.max(start, stop));
  if (!(step > 0)) return clamped;
  const n = Math.round((clamped - start) / step);
  const decimals = Math.max(decimalsOf(step), decimalsOf(start));
  const v = start + n * step;
  return Number(Math.min(v, Math.max(start, stop)).toFixed(Math.min(decimals, 12)));
}

function decimalsOf(x: number): number {
  const s = String(x);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const i = s.indexOf(".");
  return i < 0 ? 0 : s.length - i - 1;
}

/** A number box's text: null when empty, clamped when bounded, NaN kept out. */
export function parseNumber(text: string, start: number | null, stop: number | null): number | null {
  const t = text.trim();
  if (t === "") return null;
  let v = Number(t);
  if (!Number.isFinite(v)) return null;
  if (start != null) v = Math.max(v, start);
  if (stop != null) v = Math.min(v, stop);
  return v;
}

/** Range slider: keep low <= high. */
export function orderedPair(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/** Toggle `item` in a selection (multiselect / table rows); `single` keeps one. */
export function toggle<T>(selected: T[], item: T, mode: "single" | "multi", max?: number | null): T[] {
  if (selected.includes(item)) return selected.filter((x) => x !== item);
  if (mode === "single") return [item];
  if (max != null && selected.length >= max) return selected;
  return [...selected, item];
}

/** Show a number without float noise. */
export function formatNumber(v: unknown): string {
  if (typeof v !== "number") return v == null ? "" : String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

/** Read a File as base64 (the `file` element's upload format). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}
