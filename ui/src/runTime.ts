// Wording for a cell's run time: the kernel's measure after a run, the page's counter while running.

import { formatSaved } from "./cache";

/** "0.42 s" under ten seconds (two decimals below one), then the cache badge's wording ("12 s", "2 min 5 s"). */
export function formatRunTime(seconds: number): string {
  const s = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  if (s < 0.01) return "< 0.01 s";
  if (s < 1) return `${s.toFixed(2)} s`;
  if (s < 10) return `${s.toFixed(1)} s`;
  return formatSaved(s);
}

/** The running counter: whole tenths below a minute so it does not flicker ("3.4 s"), then as above. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  if (s < 60) return `${s.toFixed(1)} s`;
  return formatSaved(s);
}
