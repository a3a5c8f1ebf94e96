// Choosing how to show an output, and cutting large text down to size.

import { chartMime } from "./view/charts/kinds";

/** MIME types the UI renders, richest first. */
const MIME_ORDER = [
  // reflow.ui widgets, markdown with widgets, layouts (rendered by src/widgets)
  "application/vnd.reflow.ui+json",
  "application/vnd.reflow.md+json",
  "application/vnd.reflow.layout+json",
  "application/vnd.reflow.error+json",
  // charts (rendered by src/view/charts, any version; these are the usual ones)
  "application/vnd.vegalite.v6+json",
  "application/vnd.vegalite.v5+json",
  "application/vnd.vega.v6+json",
  "application/vnd.vega.v5+json",
  "application/vnd.plotly.v1+json",
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "application/json",
  "text/latex",
  "text/plain",
] as const;

const RENDERABLE = new Set<string>(MIME_ORDER.filter((m) => m !== "text/latex" && (!m.includes("reflow") || m.endsWith("ui+json") || m.endsWith("md+json") || m.endsWith("layout+json"))));

/** The MIME type to render from a bundle, or null if none is renderable. */
export function pickMime(bundle: { [mime: string]: unknown }): string | null {
  for (const m of MIME_ORDER) {
    if (m === "text/html") {
      // a chart of any Vega / Vega-Lite version beats its HTML / image fallbacks
      const chart = chartMime(bundle);
      if (chart) return chart;
    }
    if (m in bundle && RENDERABLE.has(m) && bundle[m] != null) return m;
  }
  const keys = Object.keys(bundle);
  // any other text-ish type: show its text
  for (const k of keys) if (k.startsWith("text/") && typeof bundle[k] === "string") return k;
  return null;
}

/** Bundle values may be a string or a list of lines (nbformat style). */
export function mimeText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.join("");
  if (v == null) return "";
  return JSON.stringify(v, null, 2);
}

export const LIMITS = { lines: 2000, bytes: 200_000 };

export interface Truncated {
  text: string;
  truncated: boolean;
  totalLines: number;
  totalBytes: number;
  shownLines: number;
}

/**
 * Keep the first `limits.lines` lines and at most `limits.bytes` characters.
 * (Characters stand in for bytes: cheap and close enough for a display limit.)
 */
export function truncateText(text: string, limits = LIMITS, keep: "head" | "tail" = "head"): Truncated {
  if (keep === "tail") return truncateTail(text, limits);
  const totalBytes = text.length;
  // count lines without splitting a huge string into an array
  let totalLines = 1;
  let cut = -1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (totalLines === limits.lines && cut < 0) cut = i;
    totalLines++;
  }
  if (text.endsWith("\n")) totalLines--;
  let end = text.length;
  if (cut >= 0 && totalLines > limits.lines) end = cut;
  if (end > limits.bytes) {
    const nl = text.lastIndexOf("\n", limits.bytes);
    end = nl > limits.bytes / 2 ? nl : limits.bytes;
  }
  if (end >= text.length) return { text, truncated: false, totalLines, totalBytes, shownLines: totalLines };
  const shown = text.slice(0, end);
  let shownLines = 1;
  for (let i = shown.indexOf("\n"); i !== -1; i = shown.indexOf("\n", i + 1)) shownLines++;
  return { text: shown, truncated: true, totalLines, totalBytes, shownLines };
}

/** Apply carriage returns the way a terminal would: "\r" rewinds to line start. */
export function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const i = line.lastIndexOf("\r");
      if (i < 0) return line;
      // the text after the last \r overwrites the start of what came before
      const after = line.slice(i + 1);
      const before = line.slice(0, i);
      const prev = before.slice(before.lastIndexOf("\r") + 1);
      return after + prev.slice(after.length);
    })
    .join("\n");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Keep the last lines (console output: the newest lines matter most). */
function truncateTail(text: string, limits: { lines: number; bytes: number }): Truncated {
  const totalBytes = text.length;
  let totalLines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) totalLines++;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (text.endsWith("\n")) totalLines--;
  // walk back from the end over `limits.lines` newlines
  let start = body.length;
  let n = 0;
  while (n < limits.lines) {
    const j = body.lastIndexOf("\n", start - 1);
    if (j < 0) {
      start = 0;
      break;
    }
    start = j + 1;
    n++;
    if (n === limits.lines) break;
    start = j;
  }
  if (body.length - start > limits.bytes) {
    const cut = body.length - limits.bytes;
    const nl = body.indexOf("\n", cut);
    start = nl >= 0 && nl < cut + limits.bytes / 2 ? nl + 1 : cut;
  }
  if (start <= 0) return { text, truncated: false, totalLines, totalBytes, shownLines: totalLines };
  const shown = text.slice(start);
  let shownLines = 1;
  for (let i = shown.indexOf("\n"); i !== -1; i = shown.indexOf("\n", i + 1)) shownLines++;
  if (shown.endsWith("\n")) shownLines--;
  return { text: shown, truncated: true, totalLines, totalBytes, shownLines };
}
