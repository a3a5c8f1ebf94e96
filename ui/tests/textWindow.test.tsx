// @vitest-environment jsdom
// Long text outputs are windowed: the line index grows with the stream, only the lines in view
// reach the DOM, colours survive the window's edge, and copy-all takes the whole text.
import { describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { indexLines, lineCount, sliceLines } from "../src/view/lineIndex";
import { TextWindow, windowSegments } from "../src/view/textWindow";

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${i + from}\n`).join("");

describe("lineIndex", () => {
  it("counts lines as a terminal shows them", () => {
    expect(lineCount(indexLines(""))).toBe(1);
    expect(lineCount(indexLines("a"))).toBe(1);
    expect(lineCount(indexLines("a\n"))).toBe(1);
    expect(lineCount(indexLines("a\nb"))).toBe(2);
    expect(lineCount(indexLines("a\n\n"))).toBe(2);
  });

  it("extends the index of a growing text and gives the same answer as a fresh one", () => {
    let ix = indexLines("line 0\nli");
    const texts = ["line 0\nline 1\n", lines(2) + "x", lines(2) + "x\n" + lines(5, 3)];
    for (const t of texts) {
      const grown = indexLines(t, ix);
      const fresh = indexLines(t);
      expect(grown.starts.slice(0, grown.n)).toEqual(fresh.starts);
      expect(lineCount(grown)).toBe(lineCount(fresh));
      ix = grown;
    }
    // an earlier index stays right after a later one extended the shared offsets
    const a = indexLines("a\nb\n");
    const b = indexLines("a\nb\nc\nd\n", a);
    expect(lineCount(a)).toBe(2);
    expect(sliceLines(a, 0, 5)).toBe("a\nb");
    const c = indexLines("a\nb\nX\n", a); // a second, different extension of `a`
    expect(sliceLines(c, 0, 5)).toBe("a\nb\nX");
    expect(sliceLines(b, 0, 5)).toBe("a\nb\nc\nd");
  });

  it("reindexes a text that is not an extension (a capped middle)", () => {
    const ix = indexLines(lines(10));
    const other = indexLines("line 0\n…\nline 9\n", ix);
    expect(lineCount(other)).toBe(3);
    expect(sliceLines(other, 1, 2)).toBe("…");
  });

  it("slices lines without their final newline", () => {
    const ix = indexLines(lines(5));
    expect(sliceLines(ix, 1, 3)).toBe("line 1\nline 2");
    expect(sliceLines(ix, 3, 99)).toBe("line 3\nline 4");
    expect(sliceLines(ix, 7, 9)).toBe("");
  });
});

describe("windowSegments", () => {
  it("keeps a colour set above the window", () => {
    const text = "\x1b[31mred 0\nred 1\nred 2\x1b[0m\nplain 3\n";
    const segs = windowSegments(indexLines(text), 1, 4);
    expect(segs.map((s) => s.text).join("")).toBe("red 1\nred 2\nplain 3");
    expect(segs[0]).toMatchObject({ text: "red 1\nred 2", fg: "red" });
    expect(segs[1].fg).toBeUndefined();
  });

  it("starts plain after a reset above the window", () => {
    const text = "\x1b[32mgreen\x1b[0m\nplain 1\n\x1b[1mbold 2\n";
    const segs = windowSegments(indexLines(text), 1, 3);
    expect(segs[0]).toMatchObject({ text: "plain 1\n" });
    expect(segs[0].fg).toBeUndefined();
    expect(segs[1]).toMatchObject({ text: "bold 2", bold: true });
  });
});

describe("TextWindow", () => {
  function mount(text: string, tail = true) {
    const host = document.createElement("div");
    document.body.appendChild(host);
    act(() => render(h(TextWindow, { text, ansi: true, tail }), host));
    return host;
  }

  it("puts only a window of 100,000 lines in the DOM, the newest ones for console output", () => {
    const host = mount(lines(100_000));
    const pre = host.querySelector("pre")!;
    const shown = pre.textContent!.split("\n");
    expect(shown.length).toBeLessThan(200);
    expect(shown[shown.length - 1]).toBe("line 99999");
    expect(host.querySelector("[data-testid=output-window]")!.getAttribute("data-lines")).toBe("100000");
    expect(host.querySelector("[data-testid=output-line-count]")!.textContent).toContain("100,000");
  });

  it("shows the first lines of a text that is not console output", () => {
    const host = mount(lines(1000), false);
    expect(host.querySelector("pre")!.textContent!.startsWith("line 0\nline 1\n")).toBe(true);
  });

  it("copies the whole text after select-all, colours stripped", () => {
    const text = "\x1b[31m" + lines(5000) + "\x1b[0m";
    const host = mount(text);
    const win = host.querySelector<HTMLElement>("[data-testid=output-window]")!;
    act(() => {
      win.dispatchEvent(new KeyboardEvent("keydown", { key: "a", ctrlKey: true, bubbles: true }));
    });
    let copied = "";
    const ev = new Event("copy", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(ev, "clipboardData", { value: { setData: (_: string, v: string) => (copied = v) } });
    win.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(copied).toBe(lines(5000));
  });
});
