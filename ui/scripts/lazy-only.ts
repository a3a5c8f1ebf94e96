// A Vite plugin: the always-loaded part of the app (entry chunks and every chunk they import
// statically) must not carry code that loads on demand -- Jupyter widgets (their packages and
// src/jupyterWidgets/ beyond the tiny door.tsx), and the cells' editors (CodeMirror, Lezer, the
// language server's extension: src/editorChunk.ts, loaded after the page has painted its outputs).
// The build fails when it does, and it writes
// dist/.vite/always-loaded.json (module -> rendered bytes) so tests can read what the page loads first.
import type { Plugin } from "vite";

/** Modules that may only be in chunks fetched on demand. */
export const LAZY_ONLY: RegExp[] = [
  /[\\/]src[\\/]jupyterWidgets[\\/](?!door\.tsx$)/,
  /[\\/]node_modules[\\/](@jupyter-widgets|@lumino|jupyter-matplotlib|@?anywidget|solid-js)[\\/]/,
  /[\\/]node_modules[\\/](@codemirror|@lezer|@replit)[\\/]/,
  /[\\/]src[\\/](editor|editorChunk)\.ts$/,
  /[\\/]src[\\/]lsp[\\/](extension|cellHooks)\.ts$/,
];
/** door.tsx's unminified size may not grow past this (it is a router, not widget code). */
export const DOOR_BUDGET = 2000;

interface ChunkLike {
  type: "chunk" | "asset";
  isEntry?: boolean;
  imports?: string[];
  modules?: Record<string, { renderedLength: number }>;
}

/** module id -> rendered bytes, over the entry chunks and their static imports. */
export function alwaysLoaded(bundle: Record<string, ChunkLike>): Record<string, number> {
  const seen = new Set<string>();
  const todo = Object.keys(bundle).filter((f) => bundle[f].type === "chunk" && bundle[f].isEntry);
  while (todo.length) {
    const file = todo.pop() as string;
    if (seen.has(file) || !bundle[file]) continue;
    seen.add(file);
    todo.push(...(bundle[file].imports ?? []));
  }
  const out: Record<string, number> = {};
  for (const file of seen)
    for (const [id, m] of Object.entries(bundle[file].modules ?? {})) if (m.renderedLength > 0) out[id] = m.renderedLength;
  return out;
}

/** What must not be in the always-loaded part, with its bytes ("" when all is well). */
export function lazyOnlyViolations(modules: Record<string, number>): string[] {
  const bad: string[] = [];
  for (const [id, bytes] of Object.entries(modules)) {
    if (LAZY_ONLY.some((re) => re.test(id))) bad.push(`${id} (${bytes} B)`);
    else if (/[\\/]src[\\/]jupyterWidgets[\\/]door\.tsx$/.test(id) && bytes > DOOR_BUDGET)
      bad.push(`${id} is ${bytes} B, over its ${DOOR_BUDGET} B budget`);
  }
  return bad;
}

export const REPORT = ".vite/always-loaded.json";

export function lazyOnly(): Plugin {
  let root = "";
  return {
    name: "reflow-lazy-only",
    apply: "build",
    configResolved(config) {
      root = config.root;
    },
    generateBundle(_options, bundle) {
      const modules = alwaysLoaded(bundle as unknown as Record<string, ChunkLike>);
      const relative = Object.fromEntries(Object.entries(modules).map(([id, n]) => [id.startsWith(root + "/") ? id.slice(root.length + 1) : id, n]));
      this.emitFile({ type: "asset", fileName: REPORT, source: JSON.stringify(relative, null, 1) + "\n" });
      const bad = lazyOnlyViolations(modules);
      if (bad.length) this.error(`code that must load on demand is in the always-loaded app:\n  ${bad.join("\n  ")}`);
    },
  };
}
