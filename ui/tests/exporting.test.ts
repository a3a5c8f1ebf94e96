// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { type ExportEvent, exportNotebook, exportUrl, listenExportCommands, onExport, showInFolder } from "../src/exporting";

type Call = { url: string; init: RequestInit | undefined };

function fakeFetch(answer: { status?: number; body: unknown }, calls: Call[]): typeof fetch {
  return (async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const status = answer.status ?? 200;
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    return new Response(text, { status, statusText: status === 200 ? "OK" : "Forbidden" });
  }) as typeof fetch;
}

function heard(): { events: ExportEvent[]; off: () => void } {
  const events: ExportEvent[] = [];
  return { events, off: onExport((e) => events.push(e)) };
}

describe("export", () => {
  it("builds the session's export URL", () => {
    expect(exportUrl("a b", "html")).toBe("/s/a%20b/export/html");
  });

  it("posts to the server and announces where a browser export was written", async () => {
    const calls: Call[] = [];
    const h = heard();
    const file = await exportNotebook("S1", "ipynb", fakeFetch({ body: { path: "/nbs/nb.ipynb", folder: "/nbs" } }, calls));
    h.off();
    expect(file).toEqual({ path: "/nbs/nb.ipynb", folder: "/nbs" });
    expect(calls.map((c) => [c.url, c.init?.method])).toEqual([["/s/S1/export/ipynb", "POST"]]);
    expect(h.events).toEqual([{ kind: "exported", file: { path: "/nbs/nb.ipynb", folder: "/nbs" } }]);
  });

  it("leaves it to the desktop shell when the server says so, and hears the shell's exported command", async () => {
    const h = heard();
    expect(await exportNotebook("S2", "html", fakeFetch({ body: { native: true } }, []))).toBe("native");
    expect(h.events).toEqual([]); // the shell's save dialog decides; it reports back as a command
    const off = listenExportCommands(window);
    const ev = new CustomEvent("reflow:command", { detail: { command: "exported", path: "/x/nb.html", folder: "/x" }, cancelable: true });
    expect(window.dispatchEvent(ev)).toBe(false); // claimed
    off();
    h.off();
    expect(h.events).toEqual([{ kind: "exported", file: { path: "/x/nb.html", folder: "/x" } }]);
  });

  it("announces a failure with the server's reason instead of throwing", async () => {
    const h = heard();
    expect(await exportNotebook("S3", "html", fakeFetch({ status: 403, body: "403 Forbidden" }, []))).toBeNull();
    h.off();
    expect(h.events).toEqual([{ kind: "failed", message: "Export failed: 403 Forbidden" }]);
  });

  it("asks the server to show the exported file's folder by the file's path", async () => {
    const calls: Call[] = [];
    await showInFolder("S4", "/nbs/nb.html", fakeFetch({ body: { folder: "/nbs" } }, calls));
    expect(calls[0].url).toBe("/s/S4/reveal");
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({ path: "/nbs/nb.html" });
    await expect(showInFolder("S4", "/etc/passwd", fakeFetch({ status: 403, body: "403 Not a file this app exported" }, []))).rejects.toThrow(
      "Not a file this app exported",
    );
  });
});
