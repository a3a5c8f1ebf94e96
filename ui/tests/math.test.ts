// The export's math loader: KaTeX comes from the global its inlined script sets, never the network.

import { afterEach, describe, expect, it } from "vitest";
import { loadMath, MATH_GLOBAL, preloadedMath } from "../src/math/loader-static";

const g = globalThis as unknown as Record<string, unknown>;

describe("math loader of the exported page", () => {
  afterEach(() => {
    delete g[MATH_GLOBAL];
  });

  it("uses the inlined KaTeX script's global", () => {
    const mod = { renderTex: (tex: string, display: boolean) => `<b>${tex}${display}</b>` };
    g[MATH_GLOBAL] = mod;
    expect(MATH_GLOBAL).toBe("ReflowMath");
    expect(preloadedMath()).toBe(mod);
  });

  it("has nothing to offer on a page exported without math, and fetches nothing", async () => {
    expect(preloadedMath()).toBeNull();
    g[MATH_GLOBAL] = { renderTex: "not a function" };
    expect(preloadedMath()).toBeNull();
    await expect(loadMath()).rejects.toThrow(/no math code/);
  });
});
