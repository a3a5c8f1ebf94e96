import { describe, expect, it } from "vitest";
import { alwaysLoaded, lazyOnlyViolations } from "../scripts/lazy-only";

const chunk = (modules: Record<string, number>, extra: { isEntry?: boolean; imports?: string[] } = {}) => ({
  type: "chunk" as const,
  modules: Object.fromEntries(Object.entries(modules).map(([id, n]) => [id, { renderedLength: n }])),
  ...extra,
});

describe("the always-loaded app carries no Jupyter widget code", () => {
  it("follows static imports from the entry, not dynamic ones", () => {
    const bundle = {
      "index.js": chunk({ "/ui/src/main.tsx": 900, "/ui/src/jupyterWidgets/door.tsx": 700 }, { isEntry: true, imports: ["shared.js"] }),
      "shared.js": chunk({ "/ui/node_modules/preact/dist/preact.mjs": 4000 }),
      "view.js": chunk({ "/ui/src/jupyterWidgets/view.tsx": 1200, "/ui/src/jupyterWidgets/hub.ts": 1500 }),
    };
    expect(alwaysLoaded(bundle)).toEqual({ "/ui/src/main.tsx": 900, "/ui/src/jupyterWidgets/door.tsx": 700, "/ui/node_modules/preact/dist/preact.mjs": 4000 });
    expect(lazyOnlyViolations(alwaysLoaded(bundle))).toEqual([]);
  });

  it("names the hub, the view and widget packages when they are in the entry (the layout before the door)", () => {
    const before = {
      "/ui/src/main.tsx": 900,
      "/ui/src/jupyterWidgets/hub.ts": 1500,
      "/ui/src/jupyterWidgets/view.tsx": 1200,
      "/ui/node_modules/@jupyter-widgets/base/lib/widget.js": 30000,
      "/ui/src/jupyterWidgets/door.tsx": 99999,
    };
    const bad = lazyOnlyViolations(before);
    expect(bad).toHaveLength(4);
    expect(bad.join("\n")).toMatch(/hub\.ts[\s\S]*view\.tsx[\s\S]*@jupyter-widgets[\s\S]*door\.tsx is 99999 B/);
  });

  // the real build (npm run build writes the report; the build itself fails on a violation)
  const built = Object.keys(import.meta.glob("../dist/index.html")).length > 0;
  const reports = Object.values(import.meta.glob("../dist/.vite/always-loaded.json", { eager: true, import: "default" }));
  it.runIf(built)("the last build of the app: widget code only behind the lazy import", () => {
    expect(reports, "dist/.vite/always-loaded.json is missing: rebuild the UI (npm run build)").toHaveLength(1);
    const modules = reports[0] as Record<string, number>;
    expect(Object.keys(modules).some((id) => id.endsWith("src/main.tsx"))).toBe(true);
    expect(lazyOnlyViolations(modules)).toEqual([]);
    const widgetModules = Object.keys(modules).filter((id) => /jupyter|widgets?[\\/]|lumino/i.test(id) && !/src[\\/]widgets[\\/]/.test(id));
    expect(widgetModules).toEqual(["src/jupyterWidgets/door.tsx"]);
    // the editors load after first paint (src/editorLoader.ts): no CodeMirror before it
    expect(Object.keys(modules).filter((id) => /@codemirror|@lezer|src[\\/]editor\.ts$/.test(id))).toEqual([]);
  });

  it("names CodeMirror and the editor module when they are in the entry (the layout before the editor chunk)", () => {
    const bad = lazyOnlyViolations({
      "/ui/src/main.tsx": 900,
      "/ui/src/editor.ts": 13000,
      "/ui/node_modules/@codemirror/view/dist/index.js": 467000,
      "/ui/node_modules/@lezer/python/dist/index.js": 43000,
      "/ui/src/editorLoader.ts": 800,
    });
    expect(bad.map((b) => b.split(" ")[0])).toEqual(["/ui/src/editor.ts", "/ui/node_modules/@codemirror/view/dist/index.js", "/ui/node_modules/@lezer/python/dist/index.js"]);
  });
});
