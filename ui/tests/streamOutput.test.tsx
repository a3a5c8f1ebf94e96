// @vitest-environment jsdom
// A long stream output as the store grows it chunk by chunk: the view is windowed (only the lines
// in view are in the DOM), scrolling shows the others, and the text it works from only ever grows
// by what arrived (streamLineage.ts) -- in order, with "\r" and colours arriving late still applied.
import { describe, expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { appendOutput } from "../src/store";
import { lineageOf } from "../src/streamLineage";
import { STREAM_TEXT_CAP } from "../src/outputCap";
import { Outputs } from "../src/view/outputs";
import type { Output } from "../src/protocol";

const chunk = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join("");
const stdout = (text: string): Output => ({ kind: "stream", name: "stdout", text });

function grow(chunks: string[]): Output[][] {
  const states: Output[][] = [];
  let outputs: Output[] = [];
  for (const c of chunks) states.push((outputs = appendOutput(outputs, stdout(c))));
  return states;
}

function mount() {
  const host = document.createElement("div");
  document.body.appendChild(host);
  return { host, show: (outputs: Output[]) => act(() => render(h(Outputs, { outputs }), host)) };
}

const win = (host: HTMLElement) => host.querySelector<HTMLElement>("[data-testid=output-window]")!;
const shownLines = (host: HTMLElement) => host.querySelector(".text-window pre")!.textContent!.split("\n");

describe("stream lineage (store)", () => {
  it("marks a stream that grew by appending, and starts a new lineage where text was cut or is new", () => {
    const [a, b] = grow(["x\n", "y\n"]);
    expect(lineageOf(b[0])).toBe(lineageOf(a[0]));
    const other = appendOutput(b, { kind: "stream", name: "stderr", text: "e\n" });
    expect(lineageOf(other[1])).not.toBe(lineageOf(b[0]));
    const huge = appendOutput(b, stdout("z".repeat(STREAM_TEXT_CAP))); // capped: its middle is gone
    expect(lineageOf(huge[0])).not.toBe(lineageOf(b[0]));
  });
});

describe("a long stream output, grown chunk by chunk", () => {
  it("keeps only a window of lines in the DOM, the newest in order, while 100,000 lines arrive", () => {
    const { host, show } = mount();
    const states = grow(Array.from({ length: 20 }, (_, k) => chunk(k * 5000, 5000)));
    for (const [k, outputs] of states.entries()) {
      show(outputs);
      if ((k + 1) * 5000 <= 400) continue;
      expect(win(host).getAttribute("data-lines")).toBe(String((k + 1) * 5000));
      const lines = shownLines(host);
      expect(lines.length).toBeLessThan(200);
      expect(lines[lines.length - 1]).toBe(`line ${(k + 1) * 5000 - 1}`);
      const nums = lines.map((l) => Number(l.slice(5)));
      expect(nums).toEqual(nums.map((_, i) => nums[0] + i)); // consecutive: appended in order
    }
    expect(host.querySelectorAll(".outputs *").length).toBeLessThan(40);
  });

  it("shows other lines when scrolled, and stops following the newest line", () => {
    const { host, show } = mount();
    const states = grow([chunk(0, 50_000), chunk(50_000, 50_000)]);
    show(states[0]);
    const el = win(host);
    const geometry = { scrollTop: 1000 * 19, scrollHeight: 50_000 * 19 + 16, clientHeight: 36 * 19 + 16 }; // jsdom has no layout
    for (const [k, v] of Object.entries(geometry)) Object.defineProperty(el, k, { value: v, writable: true, configurable: true });
    act(() => {
      el.dispatchEvent(new Event("scroll"));
    });
    expect(shownLines(host)).toContain("line 1000");
    expect(shownLines(host)).not.toContain("line 49999");
    show(states[1]); // more arrives: the reader stays where they scrolled
    expect(shownLines(host)).toContain("line 1000");
    expect(win(host).getAttribute("data-lines")).toBe("100000");
  });

  it("applies a carriage return or a colour that arrives after many plain lines", () => {
    const { host, show } = mount();
    const states = grow([chunk(0, 1000), "50%\r100%\n", "\x1b[31mred\x1b[0m\n"]);
    show(states[0]);
    show(states[1]);
    expect(shownLines(host).slice(-1)).toEqual(["100%"]);
    show(states[2]);
    const red = [...host.querySelectorAll<HTMLElement>(".text-window pre span")].find((s) => s.textContent === "red");
    expect(red).toBeTruthy();
    expect(shownLines(host).slice(-2)).toEqual(["100%", "red"]);
  });
});
