import { describe, expect, it } from "vitest";
import { listenPageCommand } from "../src/pageCommand";

function dispatch(target: EventTarget, detail: unknown): boolean {
  // as shell/commands.py sends it: true when nobody claimed the command
  return target.dispatchEvent(new CustomEvent("reflow:command", { detail, cancelable: true }));
}

describe("listenPageCommand (Edit ▸ Format Notebook and the like)", () => {
  it("runs the action for its command and claims it when the action ran", () => {
    const target = new EventTarget();
    const calls: string[] = [];
    const stop = listenPageCommand(target, "format_notebook", () => (calls.push("format"), true));
    expect(dispatch(target, { command: "format_notebook" })).toBe(false);
    expect(calls).toEqual(["format"]);
    stop();
    expect(dispatch(target, { command: "format_notebook" })).toBe(true);
    expect(calls).toEqual(["format"]);
  });

  it("leaves other commands, junk details and refused actions to the shell", () => {
    const target = new EventTarget();
    let ran = 0;
    listenPageCommand(target, "format_notebook", () => (ran++, false));
    expect(dispatch(target, { command: "save" })).toBe(true);
    expect(dispatch(target, null)).toBe(true);
    expect(dispatch(target, "format_notebook")).toBe(true);
    expect(ran).toBe(0);
    expect(dispatch(target, { command: "format_notebook" })).toBe(true); // read-only page: the shell's fallback
    expect(ran).toBe(1);
  });
});
