// anywidget (anywidget.dev): widgets whose front end is an ES module the notebook supplies (`_esm`,
// `_css`). They run on anywidget's own front end, the `anywidget` npm package (AnyModel / AnyView:
// the AFM contract -- `initialize` / `render({ model, el })`, cleanups, `_esm` / `_css` hot reload),
// with two adaptations:
// - the package is one AMD module; scripts/anywidget-esm.ts turns its `define` into a default export
//   (the factory of AnyModel / AnyView over @jupyter-widgets/base);
// - in the app the module is imported from the server, /s/SESSION/widget-esm/MODEL.js, which serves
//   it for trusted notebooks only: the page's CSP stays `script-src 'self'`. The offline export
//   imports it from a blob: URL (the package's own way), which only such an export's CSP allows.

import * as base from "@jupyter-widgets/base";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Classes = { AnyModel: any; AnyView: any };
type Factory = (b: typeof base) => Classes;

/** Where the app imports a model's module from (null: offline, import the code itself). */
function moduleUrl(modelId: string, esm: string): string | null {
  const session = /^\/s\/([^/]+)/.exec(location.pathname)?.[1];
  if (!session || !/^https?:$/.test(location.protocol) || /^https?:\/\//.test(esm)) return null;
  let h = 2166136261; // FNV-1a: a new URL when the code changes (the module map keeps the old one)
  for (let i = 0; i < esm.length; i++) h = Math.imul(h ^ esm.charCodeAt(i), 16777619);
  return `${location.origin}/s/${session}/widget-esm/${encodeURIComponent(modelId)}.js?v=${(h >>> 0).toString(36)}`;
}

let classes: Promise<Classes> | null = null;

/** AnyModel / AnyView, made once: the view finds its model's runtime in the factory's own table. */
export function anywidgetClasses(): Promise<Classes> {
  classes ??= makeClasses();
  return classes;
}

async function makeClasses(): Promise<Classes> {
  const factory = (await import("anywidget")).default as Factory;
  const { AnyModel, AnyView } = factory(base);
  class ReflowAnyModel extends AnyModel {
    get(name: string): unknown {
      const value = super.get(name);
      if (name !== "_esm" || typeof value !== "string") return value;
      return moduleUrl(String(this.model_id), value) ?? value;
    }
  }
  return { AnyModel: ReflowAnyModel, AnyView };
}
