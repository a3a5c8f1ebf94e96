import { describe, expect, it } from "vitest";
import { runOnChoices } from "../src/palette/runOn";

// "Run on...": a typed Jupyter Server / Kernel Gateway URL is offered as a gateway place.
describe("Run on a Jupyter gateway", () => {
  it("offers a typed http(s) URL as gateway:URL, with or without the prefix", () => {
    const offered = runOnChoices("https://gw.example.org:8888/base", []).map((c) => c.place);
    expect(offered).toContain("gateway:https://gw.example.org:8888/base");
    expect(offered).not.toContain("ssh:https://gw.example.org:8888/base");
    expect(runOnChoices("gateway:http://127.0.0.1:8888", []).map((c) => c.place)).toContain("gateway:http://127.0.0.1:8888");
  });

  it("labels recent gateways and offers them once", () => {
    const choices = runOnChoices("", ["gateway:http://127.0.0.1:8888"]);
    expect(choices.find((c) => c.place === "gateway:http://127.0.0.1:8888")?.label).toBe("Jupyter gateway: http://127.0.0.1:8888");
    expect(runOnChoices("http://127.0.0.1:8888", ["gateway:http://127.0.0.1:8888"]).filter((c) => c.place.startsWith("gateway:")).length).toBe(1);
  });

  it("does not offer what is not a web URL", () => {
    expect(runOnChoices("ftp://x", []).some((c) => c.place.startsWith("gateway:"))).toBe(false);
    expect(runOnChoices("http:// spaced", []).some((c) => c.place.startsWith("gateway:"))).toBe(false);
  });
});
