// A run's last message renders at once (runEnd.ts), other server messages on the next frame.
import { describe, expect, it } from "vitest";
import { endsARun } from "../src/runEnd";
import type { ServerMessage } from "../src/protocol";

const output: ServerMessage = { type: "cell_output", id: "a", output: { kind: "stream", name: "stdout", text: "1\n" } };
const status: ServerMessage = { type: "cell_status", id: "a", status: "idle" };
const variables: ServerMessage = { type: "variables", items: [] };

describe("endsARun", () => {
  it("is the variables panel, alone or in a batch with the run's last events", () => {
    expect(endsARun(variables)).toBe(true);
    expect(endsARun({ type: "batch", events: [output, status, variables] })).toBe(true);
  });

  it("is not an output storm's batch, nor a lone event", () => {
    expect(endsARun({ type: "batch", events: [output, output, status] })).toBe(false);
    expect(endsARun(output)).toBe(false);
    expect(endsARun(status)).toBe(false);
  });
});
