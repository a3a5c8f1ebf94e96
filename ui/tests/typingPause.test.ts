import { describe, expect, it } from "vitest";
import { isTyping } from "../src/view/typingPause";

describe("static errors wait for a typing pause", () => {
  it("holds them while the code moves on from what last rested", () => {
    expect(isTyping("x = (1 +", "x = (1", "")).toBe(true);
  });
  it("shows them once the code rested", () => {
    expect(isTyping("x = (1 +", "x = (1 +", "")).toBe(false);
  });
  it("shows them at once when the code was run (a run does not wait)", () => {
    expect(isTyping("x = (1 +", "x = (1", "x = (1 +")).toBe(false);
  });
});
