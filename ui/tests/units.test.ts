import { describe, expect, it } from "vitest";
import { parseAnsi, stripAnsi } from "../src/ansi";
import { backoffDelay, DEFAULT_BACKOFF } from "../src/backoff";
import { commandKey } from "../src/keys";
import { applyCarriageReturns, formatBytes, LIMITS, mimeText, pickMime, truncateText } from "../src/mime";
import { decodeServerMessage, normaliseCell } from "../src/protocol";
import { resolveTheme, storedTheme, toggledTheme } from "../src/theme";
import { parsePageUrl, urlWithoutToken, webSocketUrl } from "../src/url";

describe("keyboard commands", () => {
  const k = (key: string, mods: Record<string, boolean> = {}, pending = "") => commandKey({ key, ...mods }, pending);
  it("moves with j/k and arrows", () => {
    expect(k("j").command).toBe("next");
    expect(k("ArrowDown").command).toBe("next");
    expect(k("k").command).toBe("prev");
    expect(k("ArrowUp").command).toBe("prev");
    expect(k("G").command).toBe("last");
  });
  it("gg, dd and ii need two presses", () => {
    expect(k("d")).toEqual({ command: null, pending: "d" });
    expect(k("d", {}, "d")).toEqual({ command: "delete", pending: "" });
    expect(k("g", {}, "g").command).toBe("first");
    expect(k("i", {}, "i").command).toBe("interrupt");
    // another key cancels the prefix
    expect(k("j", {}, "d")).toEqual({ command: "next", pending: "" });
  });
  it("adds, edits, runs", () => {
    expect(k("a").command).toBe("add-above");
    expect(k("b").command).toBe("add-below");
    expect(k("Enter").command).toBe("edit");
    expect(k("Enter", { shift: true }).command).toBe("run-and-next");
    expect(k("Enter", { ctrl: true }).command).toBe("run");
    expect(k("Enter", { meta: true }).command).toBe("run");
  });
  it("save and undo with Ctrl or Cmd", () => {
    expect(k("s", { ctrl: true }).command).toBe("save");
    expect(k("s", { meta: true }).command).toBe("save");
    expect(k("z", { ctrl: true }).command).toBe("undo-delete");
    expect(k("z", { ctrl: true, shift: true }).command).toBe(null);
    expect(k("z").command).toBe("undo-delete");
  });
  it("moves cells with Mod-Shift-arrows; ignores Alt chords and plain letters with Ctrl", () => {
    expect(k("ArrowUp", { ctrl: true, shift: true }).command).toBe("move-up");
    expect(k("ArrowDown", { meta: true, shift: true }).command).toBe("move-down");
    expect(k("j", { alt: true }).command).toBe(null);
    expect(k("j", { ctrl: true }).command).toBe(null);
    expect(k("x").command).toBe(null);
  });
});

describe("truncation", () => {
  it("leaves small text alone", () => {
    const t = truncateText("a\nb\nc\n");
    expect(t.truncated).toBe(false);
    expect(t.totalLines).toBe(3);
    expect(t.text).toBe("a\nb\nc\n");
  });
  it("cuts at the line limit", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
    const t = truncateText(text);
    expect(t.truncated).toBe(true);
    expect(t.totalLines).toBe(5000);
    expect(t.shownLines).toBe(LIMITS.lines);
    expect(t.text.split("\n")).toHaveLength(LIMITS.lines);
    expect(t.text.endsWith("line 1999")).toBe(true);
  });
  it("cuts at the size limit, on a line boundary when there is one", () => {
    const text = ("x".repeat(999) + "\n").repeat(1000); // 1,000,000 chars, 1,000 lines
    const t = truncateText(text);
    expect(t.truncated).toBe(true);
    expect(t.text.length).toBeLessThanOrEqual(LIMITS.bytes);
    expect(t.text.endsWith("x")).toBe(true);
    const one = truncateText("y".repeat(500_000));
    expect(one.text.length).toBe(LIMITS.bytes);
    expect(one.totalLines).toBe(1);
  });
  it("takes custom limits", () => {
    expect(truncateText("1\n2\n3\n4", { lines: 2, bytes: 100 }).text).toBe("1\n2");
  });
  it("cuts a huge output (its speed is measured by ui/bench/truncate.bench.ts)", () => {
    const text = "0123456789\n".repeat(1_000_000);
    const t = truncateText(text);
    expect(t.truncated).toBe(true);
    expect(t.totalLines).toBe(1_000_000);
    expect(t.shownLines).toBe(LIMITS.lines);
    expect(t.text.length).toBeLessThanOrEqual(LIMITS.bytes);
    expect(t.text.startsWith("0123456789\n0123456789")).toBe(true);
  });
  it("applies carriage returns like a terminal", () => {
    expect(applyCarriageReturns("10%\r50%\r100%\ndone")).toBe("100%\ndone");
    expect(applyCarriageReturns("abcdef\rXY")).toBe("XYcdef");
    expect(applyCarriageReturns("a\r\nb")).toBe("a\nb");
  });
  it("formats sizes", () => {
    expect(formatBytes(12)).toBe("12 B");
    expect(formatBytes(200_000)).toBe("195 kB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });
});

describe("MIME selection", () => {
  it("prefers rich types", () => {
    expect(pickMime({ "text/plain": "x", "text/html": "<b>x</b>" })).toBe("text/html");
    expect(pickMime({ "text/plain": "x", "image/png": "AAA" })).toBe("image/png");
    expect(pickMime({ "text/plain": "x", "image/svg+xml": "<svg/>", "image/png": "AAA" })).toBe("image/svg+xml");
    expect(pickMime({ "text/plain": "x", "image/jpeg": "AAA" })).toBe("image/jpeg");
    expect(pickMime({ "text/plain": "x", "text/markdown": "# x" })).toBe("text/markdown");
    expect(pickMime({ "text/plain": "x", "application/json": { a: 1 } })).toBe("application/json");
    expect(pickMime({ "text/plain": "x", "text/latex": "$x$" })).toBe("text/plain");
  });
  it("falls back to other text types, else null", () => {
    expect(pickMime({ "text/csv": "a,b" })).toBe("text/csv");
    expect(pickMime({ "application/x-unknown": 1 })).toBe(null);
    expect(pickMime({})).toBe(null);
    expect(pickMime({ "text/html": null, "text/plain": "p" })).toBe("text/plain");
  });
  it("reads strings and nbformat line lists", () => {
    expect(mimeText("a")).toBe("a");
    expect(mimeText(["a\n", "b"])).toBe("a\nb");
    expect(mimeText({ a: 1 })).toContain('"a": 1');
  });
});

describe("ANSI", () => {
  it("strips escapes", () => {
    expect(stripAnsi("\x1b[0;31mError\x1b[0m: x")).toBe("Error: x");
  });
  it("parses colours, bold, 256 colours and resets", () => {
    const segs = parseAnsi("a\x1b[1;31mB\x1b[0mc\x1b[38;5;241md\x1b[39me\x1b[92mf");
    expect(segs).toEqual([
      { text: "a" },
      { text: "B", bold: true, fg: "red" },
      { text: "c" },
      { text: "d", fg: "#626262" },
      { text: "e" },
      { text: "f", fg: "bright-green" },
    ]);
  });
  it("parses 24-bit colours", () => {
    expect(parseAnsi("\x1b[38;2;255;0;16mx")).toEqual([{ text: "x", fg: "#ff0010" }]);
  });
});

describe("URL contract", () => {
  it("reads the session from the path and the token from the query", () => {
    expect(parsePageUrl("http://127.0.0.1:5000/s/abc?token=T")).toEqual({ session: "abc", token: "T", demo: false });
    expect(parsePageUrl("http://127.0.0.1:5000/s/abc/?token=T").session).toBe("abc");
  });
  it("reads the session from the query", () => {
    expect(parsePageUrl("http://127.0.0.1:5000/?token=T&session=S")).toEqual({ session: "S", token: "T", demo: false });
  });
  it("falls back to the stored token after the address bar was cleaned", () => {
    expect(parsePageUrl("http://127.0.0.1:5000/s/abc", "STORED").token).toBe("STORED");
    expect(parsePageUrl("http://127.0.0.1:5000/s/abc?token=NEW", "STORED").token).toBe("NEW");
    expect(parsePageUrl("http://127.0.0.1:5000/").token).toBe(null);
  });
  it("decodes escaped session ids", () => {
    expect(parsePageUrl("http://h:1/s/a%20b?token=t").session).toBe("a b");
  });
  it("builds the WebSocket URL on the same host", () => {
    const p = parsePageUrl("http://127.0.0.1:5000/s/abc?token=a+b/c");
    expect(webSocketUrl("http://127.0.0.1:5000/s/abc?token=a+b/c", p)).toBe("ws://127.0.0.1:5000/ws/abc?token=a%20b%2Fc");
    expect(webSocketUrl("https://x.test/s/abc", { session: "abc", token: "t", demo: false })).toBe("wss://x.test/ws/abc?token=t");
  });
  it("removes only the token from the address", () => {
    expect(urlWithoutToken("http://h:1/s/abc?token=T")).toBe("/s/abc");
    expect(urlWithoutToken("http://h:1/?token=T&session=S#x")).toBe("/?session=S#x");
  });
});

describe("reconnect backoff", () => {
  it("grows exponentially from the base and caps", () => {
    const d = (n: number) => backoffDelay(n, 0.5);
    expect(d(0)).toBe(DEFAULT_BACKOFF.baseMs);
    expect(d(1)).toBe(DEFAULT_BACKOFF.baseMs * 2);
    expect(d(2)).toBe(DEFAULT_BACKOFF.baseMs * 4);
    expect(d(30)).toBe(DEFAULT_BACKOFF.maxMs);
    for (let i = 0; i < 8; i++) expect(d(i + 1)).toBeGreaterThanOrEqual(d(i));
  });
  it("jitters within ±jitter/2 and never exceeds the cap", () => {
    const base = DEFAULT_BACKOFF.baseMs * 8;
    expect(backoffDelay(3, 0)).toBe(Math.round(base * (1 - DEFAULT_BACKOFF.jitter / 2)));
    expect(backoffDelay(3, 0.9999)).toBeLessThanOrEqual(Math.round(base * (1 + DEFAULT_BACKOFF.jitter / 2)));
    expect(backoffDelay(50, 0.9999)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    expect(backoffDelay(-3, 0.5)).toBe(DEFAULT_BACKOFF.baseMs);
  });
});

describe("protocol decoding", () => {
  it("accepts known messages", () => {
    const d = decodeServerMessage('{"type":"kernel","state":"idle"}');
    expect(d.ok && d.message.type).toBe("kernel");
  });
  it("rejects junk without throwing", () => {
    expect(decodeServerMessage("{").ok).toBe(false);
    expect(decodeServerMessage("[1]").ok).toBe(false);
    expect(decodeServerMessage('{"type":"nope"}')).toEqual({ ok: false, reason: 'unknown message type "nope"' });
    expect(decodeServerMessage('{"x":1}').ok).toBe(false);
  });
  it("normalises partial cells", () => {
    const c = normaliseCell({ id: "a", status: "weird" as never });
    expect(c).toMatchObject({ kind: "code", code: "", status: "idle", outputs: [], errors: [] });
  });
});

describe("theme", () => {
  const store = (v: string | null) => ({ getItem: () => v });
  it("follows the OS unless chosen", () => {
    expect(storedTheme(store(null))).toBe("system");
    expect(storedTheme(store("dark"))).toBe("dark");
    expect(storedTheme(store("bogus"))).toBe("system");
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
  });
  it("toggle flips what is visible and returns to system when matching the OS", () => {
    expect(toggledTheme("system", false)).toBe("dark");
    expect(toggledTheme("dark", false)).toBe("system");
    expect(toggledTheme("system", true)).toBe("light");
    expect(toggledTheme("light", true)).toBe("system");
  });
});

describe("tail truncation (console output)", () => {
  it("keeps the newest lines", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const t = truncateText(text, LIMITS, "tail");
    expect(t.truncated).toBe(true);
    expect(t.totalLines).toBe(5000);
    expect(t.shownLines).toBe(LIMITS.lines);
    expect(t.text.startsWith("line 3000\n")).toBe(true);
    expect(t.text.endsWith("line 4999\n")).toBe(true);
  });
  it("leaves short output alone and respects the size limit", () => {
    expect(truncateText("a\nb\n", LIMITS, "tail")).toMatchObject({ truncated: false, text: "a\nb\n", totalLines: 2 });
    const big = ("y".repeat(999) + "\n").repeat(1000);
    const t = truncateText(big, LIMITS, "tail");
    expect(t.text.length).toBeLessThanOrEqual(LIMITS.bytes);
    expect(t.text.startsWith("y")).toBe(true);
    expect(t.text.endsWith("y\n")).toBe(true);
    expect(truncateText("1\n2\n3\n4", { lines: 2, bytes: 100 }, "tail").text).toBe("3\n4");
  });
});
