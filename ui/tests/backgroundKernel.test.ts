import { describe, expect, it } from "vitest";
import { applyServer, initialState } from "../src/store";

describe("background kernel offer", () => {
  it("a background_kernel message shows the offer; pid null settles it", () => {
    const offered = applyServer(initialState(), { type: "background_kernel", pid: 4242 });
    expect(offered.backgroundKernel).toBe(4242);
    expect(applyServer(offered, { type: "background_kernel", pid: null }).backgroundKernel).toBeNull();
  });
});
