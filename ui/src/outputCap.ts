/**
 * A connected page keeps each cell's outputs bounded, as the session does (session/output_cap.py):
 * a cell that prints without end would otherwise grow the page's memory until the tab dies.
 * Stream text past STREAM_TEXT_CAP keeps its first and last halves; an output list past
 * HEAD_OUTPUTS + TAIL_OUTPUTS keeps its first and last outputs. A marker says where output was
 * dropped. Both are stateless: re-capping an already capped value drops the old marker with the
 * middle, so there is only ever one.
 */
import type { Output } from "./protocol";

export const STREAM_TEXT_CAP = 8_000_000; // characters: a long log still shows whole; endless printing stays bounded
export const HEAD_OUTPUTS = 1000;
export const TAIL_OUTPUTS = 1000;
export const DROPPED_NOTE = "\n… output dropped here: Reflow keeps the first and the last of a cell's output …\n";

/** ``text`` itself when within the cap, else its first and last halves around the note. */
export function capStreamText(text: string): string {
  if (text.length <= STREAM_TEXT_CAP) return text;
  const half = STREAM_TEXT_CAP / 2;
  return text.slice(0, half) + DROPPED_NOTE + text.slice(text.length - half);
}

/** ``outputs`` itself when within the cap, else the first and last outputs around a marker. */
export function capOutputs(outputs: Output[]): Output[] {
  if (outputs.length <= HEAD_OUTPUTS + TAIL_OUTPUTS + 1) return outputs;
  const marker: Output = { kind: "stream", name: "stderr", text: DROPPED_NOTE };
  return [...outputs.slice(0, HEAD_OUTPUTS), marker, ...outputs.slice(outputs.length - TAIL_OUTPUTS)];
}
