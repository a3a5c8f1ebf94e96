import { describe, expect, it } from "vitest";
import { DROPPED_NOTE, HEAD_OUTPUTS, STREAM_TEXT_CAP, TAIL_OUTPUTS } from "../src/outputCap";
import type { Output } from "../src/protocol";
import { appendOutput } from "../src/store";

const text = (o: Output | undefined): string => (o && o.kind === "stream" ? o.text : "");

describe("a connected page keeps a cell's outputs bounded", () => {
  it("keeps the first and the last of a stream that prints without end", () => {
    let outputs: Output[] = [];
    const chunk = "x".repeat(99_999) + "\n";
    outputs = appendOutput(outputs, { kind: "stream", name: "stdout", text: "FIRST\n" });
    for (let i = 0; i < 120; i++) outputs = appendOutput(outputs, { kind: "stream", name: "stdout", text: chunk });
    outputs = appendOutput(outputs, { kind: "stream", name: "stdout", text: "LAST\n" });
    expect(outputs).toHaveLength(1);
    const t = text(outputs[0]);
    expect(t.length).toBeLessThanOrEqual(STREAM_TEXT_CAP + DROPPED_NOTE.length);
    expect(t.startsWith("FIRST\n")).toBe(true);
    expect(t.endsWith("LAST\n")).toBe(true);
    expect(t.split(DROPPED_NOTE)).toHaveLength(2); // one marker, however often it was re-capped
  });

  it("keeps the first and the last outputs of a cell that displays without end", () => {
    let outputs: Output[] = [];
    const n = HEAD_OUTPUTS + TAIL_OUTPUTS + 500;
    for (let i = 0; i < n; i++) outputs = appendOutput(outputs, { kind: "data", data: { "text/plain": `out ${i}` } });
    expect(outputs).toHaveLength(HEAD_OUTPUTS + TAIL_OUTPUTS + 1);
    const plain = (o: Output | undefined): unknown => (o && o.kind === "data" ? o.data["text/plain"] : undefined);
    expect(plain(outputs[0])).toBe("out 0");
    expect(plain(outputs[HEAD_OUTPUTS - 1])).toBe(`out ${HEAD_OUTPUTS - 1}`);
    expect(text(outputs[HEAD_OUTPUTS])).toBe(DROPPED_NOTE);
    expect(plain(outputs[outputs.length - 1])).toBe(`out ${n - 1}`);
    expect(outputs.filter((o) => text(o) === DROPPED_NOTE)).toHaveLength(1);
  });

  it("leaves a cell's ordinary output as it came", () => {
    const outputs = appendOutput([{ kind: "stream", name: "stdout", text: "a" }], { kind: "stream", name: "stdout", text: "b" });
    expect(outputs).toEqual([{ kind: "stream", name: "stdout", text: "ab" }]);
  });
});
