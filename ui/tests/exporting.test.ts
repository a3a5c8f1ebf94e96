// @vitest-environment jsdom
import { describe, expect, it, vi } from "vitest";
import { exportNotebook, exportUrl } from "../src/exporting";

describe("export", () => {
  it("builds the session's export URL", () => {
    expect(exportUrl("a b", "html")).toBe("/s/a%20b/export/html");
  });

  it("downloads through a link in a browser", () => {
    const clicked: string[] = [];
    const spy = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.getAttribute("href") ?? "");
    });
    expect(exportNotebook("S1", "ipynb")).toBe("download");
    expect(clicked).toEqual(["/s/S1/export/ipynb"]);
    expect(document.querySelectorAll("a[download]").length).toBe(0);
    spy.mockRestore();
  });

  it("asks the desktop shell when it is there", () => {
    const calls: unknown[][] = [];
    const win = Object.assign(Object.create(window), {
      document,
      pywebview: { api: { export_notebook: (...a: unknown[]) => calls.push(a) } },
    });
    expect(exportNotebook("S2", "html", win)).toBe("native");
    expect(calls).toEqual([["S2", "html"]]);
  });
});
