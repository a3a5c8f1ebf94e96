// One-click export of what the notebook shows (current code and outputs), and where it went.
// The page POSTs to the server's export endpoint. Inside the desktop app the shell asks
// where with its native save dialog (the answer is {native: true}) and afterwards sends a
// `reflow:command` "exported" with the path; in a browser the server writes the file beside
// the notebook and answers its path. Either way listeners (the export notice) hear where the
// file went, and "Show in folder" asks the server to open that folder: it opens only a file
// it exported itself, never a path the page names.

import { TOKEN_KEY } from "./url";

export type ExportFormat = "html" | "ipynb" | "pdf"; // pdf: printed by Qt WebEngine (docs/pdf.md)

export interface ExportedFile {
  path: string;
  folder: string;
}

export type ExportEvent = { kind: "exported"; file: ExportedFile } | { kind: "failed"; message: string };

export function exportUrl(session: string, fmt: ExportFormat): string {
  return `/s/${encodeURIComponent(session)}/export/${fmt}`;
}

function revealUrl(session: string): string {
  return `/s/${encodeURIComponent(session)}/reveal`;
}

type Listener = (e: ExportEvent) => void;
const listeners = new Set<Listener>();

/** Hear every export's outcome; returns the unsubscribe function. */
export function onExport(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(e: ExportEvent): void {
  for (const l of [...listeners]) l(e);
}

function headers(): Record<string, string> {
  let token: string | null = null;
  try {
    token = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = null; // storage disabled: the page's cookie still carries the credential
  }
  return token ? { "X-Reflow-Token": token } : {};
}

function exportedFile(body: unknown): ExportedFile | null {
  if (typeof body !== "object" || body === null) return null;
  const b = body as { path?: unknown; folder?: unknown };
  return typeof b.path === "string" && typeof b.folder === "string" ? { path: b.path, folder: b.folder } : null;
}

async function failure(r: Response): Promise<string> {
  const text = (await r.text().catch(() => "")).trim();
  return text || `${r.status} ${r.statusText}`;
}

/** Export; resolves to "native" (the desktop shell took over), the written file, or null on failure (announced). */
export async function exportNotebook(
  session: string,
  fmt: ExportFormat,
  fetchFn: typeof fetch = (...a) => fetch(...a),
): Promise<"native" | ExportedFile | null> {
  try {
    const r = await fetchFn(exportUrl(session, fmt), { method: "POST", headers: headers(), credentials: "same-origin" });
    if (!r.ok) throw new Error(await failure(r));
    const body: unknown = await r.json();
    if (typeof body === "object" && body !== null && (body as { native?: unknown }).native === true) return "native";
    const file = exportedFile(body);
    if (file === null) throw new Error("unexpected answer from the server");
    announce({ kind: "exported", file });
    return file;
  } catch (err) {
    announce({ kind: "failed", message: `Export failed: ${err instanceof Error ? err.message : String(err)}` });
    return null;
  }
}

/** Ask the server to open the folder of a file it exported; rejects with the server's reason. */
export async function showInFolder(session: string, path: string, fetchFn: typeof fetch = (...a) => fetch(...a)): Promise<void> {
  const r = await fetchFn(revealUrl(session), {
    method: "POST",
    headers: { ...headers(), "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ path }),
  });
  if (!r.ok) throw new Error(await failure(r));
}

/** The desktop shell's "exported" command (File ▸ Export or the native dialog after a button): announce it. */
export function listenExportCommands(target: EventTarget): () => void {
  const on = (e: Event) => {
    const d: unknown = (e as CustomEvent).detail;
    if (typeof d !== "object" || d === null || (d as { command?: unknown }).command !== "exported") return;
    const file = exportedFile(d);
    if (file === null) return;
    e.preventDefault();
    announce({ kind: "exported", file });
  };
  target.addEventListener("reflow:command", on);
  return () => target.removeEventListener("reflow:command", on);
}
