// Loaded first by exportEntry.ts: a `require` that answers only "../package.json" (a version).
const g = globalThis as { require?: unknown };
if (!("require" in g))
  g.require = (id: string) => {
    if (id.endsWith("package.json")) return { name: "jupyter-widgets", version: "5.0.13" };
    throw new Error(`require(${id}) is not available`);
  };
