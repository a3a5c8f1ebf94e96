// The output history of one cell as the panel steps through it: which run is shown, which one it
// is compared with, and a line diff of their text. Pure functions (tested in ui/tests/history.test.ts).

import type { HistoryRun, Output } from "../protocol";

export interface HistoryView {
  entries: HistoryRun[]; // oldest first, as the server sends them
  index: number; // the run shown
  compare: number | null; // the run shown beside it, if comparing
  notes: string[];
}

/** A freshly fetched history: the newest run shown, nothing compared. */
export function openHistory(entries: HistoryRun[], notes: string[]): HistoryView {
  return { entries, index: Math.max(0, entries.length - 1), compare: null, notes };
}

/** A new fetch of the same cell's history keeps the shown run (by its key) when it is still there. */
export function refreshHistory(prev: HistoryView, entries: HistoryRun[], notes: string[]): HistoryView {
  const find = (i: number | null) => (i === null ? -1 : entries.findIndex((e) => e.key === prev.entries[i]?.key));
  const index = find(prev.index);
  const compare = find(prev.compare);
  if (index < 0) return openHistory(entries, notes);
  return { entries, index, compare: compare < 0 || compare === index ? null : compare, notes };
}

/** One step older (-1) or newer (+1), within the runs; the compared run stays. */
export function step(v: HistoryView, delta: number): HistoryView {
  const index = Math.min(v.entries.length - 1, Math.max(0, v.index + delta));
  return { ...v, index, compare: v.compare === index ? null : v.compare };
}

/** Compare on: the shown run beside the newest one (or the one before, when the newest is shown); off again. */
export function toggleCompare(v: HistoryView): HistoryView {
  if (v.compare !== null || v.entries.length < 2) return { ...v, compare: null };
  const last = v.entries.length - 1;
  return { ...v, compare: v.index === last ? last - 1 : last };
}

/** The two runs side by side, older on the left. */
export function comparedPair(v: HistoryView): [number, number] | null {
  if (v.compare === null) return null;
  return v.index < v.compare ? [v.index, v.compare] : [v.compare, v.index];
}

/** "3 of 7" */
export function position(v: HistoryView): string {
  return v.entries.length ? `${v.index + 1} of ${v.entries.length}` : "no runs kept";
}

/** The text a run showed (streams, plain text of non-image results, error messages), for the line diff. */
export function outputsText(outputs: Output[]): string {
  const parts: string[] = [];
  for (const o of outputs) {
    if (o.kind === "stream") parts.push(o.text);
    else if (o.kind === "error") parts.push(`${o.error.ename ?? "Error"}: ${o.error.message}\n`);
    else if (!Object.keys(o.data).some((m) => m.startsWith("image/"))) {
      // an image's text/plain is its repr ("<Figure at 0x…>"): the picture is compared, not that
      const plain = o.data["text/plain"];
      if (typeof plain === "string") parts.push(plain.endsWith("\n") ? plain : `${plain}\n`);
    }
  }
  return parts.join("");
}

type DiffLine = { op: "same" | "removed" | "added"; text: string };

const MAX_DIFF_CELLS = 4_000_000; // lines(a) × lines(b): past this, both sides are shown without a diff

/** Line diff (longest common subsequence) of the older text `a` and the newer `b`; null when too large. */
export function lineDiff(a: string, b: string): DiffLine[] | null {
  const x = a.split("\n");
  const y = b.split("\n");
  if (x.length * y.length > MAX_DIFF_CELLS) return null;
  const n = x.length;
  const m = y.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ op: "same", text: x[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: "removed", text: x[i++] });
    else out.push({ op: "added", text: y[j++] });
  }
  while (i < n) out.push({ op: "removed", text: x[i++] });
  while (j < m) out.push({ op: "added", text: y[j++] });
  return out;
}

/** When a run happened, in the user's time zone: "today 14:03:21" or "2026-12-01 09:15". */
export function formatRanAt(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  const sameDay = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  if (sameDay) return `today ${time}`;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${time.slice(0, 5)}`;
}
