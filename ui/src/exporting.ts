// One-click export of what the notebook shows (current code and outputs).
// In a browser the server's export endpoint is a plain download; inside the
// desktop app the shell shows a native save dialog instead (QtWebEngine has no
// download UI), reached through pywebview's bridge.

export type ExportFormat = "html" | "ipynb";

export function exportUrl(session: string, fmt: ExportFormat): string {
  return `/s/${encodeURIComponent(session)}/export/${fmt}`;
}

type Bridge = { export_notebook?: (session: string, fmt: ExportFormat) => unknown };

export function exportNotebook(
  session: string,
  fmt: ExportFormat,
  win: Window & { pywebview?: { api?: Bridge } } = window,
): "native" | "download" {
  const api = win.pywebview?.api;
  if (api && typeof api.export_notebook === "function") {
    void api.export_notebook(session, fmt);
    return "native";
  }
  const a = win.document.createElement("a");
  a.href = exportUrl(session, fmt);
  a.download = "";
  win.document.body.appendChild(a);
  a.click();
  a.remove();
  return "download";
}
