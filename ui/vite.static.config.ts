import { fileURLToPath } from "node:url";
import { build, defineConfig, type Plugin } from "vite";
import { cspHashes } from "./scripts/csp-hashes";
import { anywidgetEsm } from "./scripts/anywidget-esm";

// The exported-notebook bundle: ONE script and ONE stylesheet with every asset
// inlined (data URLs), no chunks, so the Python exporter can put them into a
// single self-contained HTML file that works offline.
//
// Chart libraries are NOT in that script: each is built to its own script
// (reflow-export-vega.js, reflow-export-plotly.js: an IIFE that sets a global,
// see src/view/charts/loader-static.ts) which the exporter inlines only into
// pages that have such charts. The export's copy of charts/loader.ts is
// loader-static.ts, which reads those globals instead of import()ing chunks.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const OUT = "build/export";
const CHARTS = [
  { entry: "src/view/charts/vega.ts", name: "ReflowChartVega", file: "reflow-export-vega.js" },
  { entry: "src/view/charts/plotly.ts", name: "ReflowChartPlotly", file: "reflow-export-plotly.js" },
  // KaTeX (math in markdown), fonts inlined: see src/math/loader-static.ts
  { entry: "src/math/katex.ts", name: "ReflowMath", file: "reflow-export-math.js" },
  // Jupyter widgets (ipywidgets, ipympl…), rendered from their last state: see src/jupyterWidgets/loader-static.ts
  { entry: "src/jupyterWidgets/exportEntry.ts", name: "ReflowJupyterWidgets", file: "reflow-export-widgets.js" },
];

function exportCharts(): Plugin {
  return {
    name: "reflow-export-charts",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "./loader" && importer && /[\\/]view[\\/]charts[\\/]ChartView\.tsx$/.test(importer)) return here("src/view/charts/loader-static.ts");
      if (source === "./loader" && importer && /[\\/]math[\\/]index\.ts$/.test(importer)) return here("src/math/loader-static.ts");
      if (source === "./loader" && importer && /[\\/]jupyterWidgets[\\/]hub\.ts$/.test(importer)) return here("src/jupyterWidgets/loader-static.ts");
      return null;
    },
    async closeBundle() {
      for (const c of CHARTS) {
        await build({
          configFile: false,
          logLevel: "warn",
          plugins: [anywidgetEsm()],
          root: here("."),
          define: { "process.env.NODE_ENV": JSON.stringify("production") },
          build: {
            outDir: OUT,
            emptyOutDir: false,
            target: "es2022",
            sourcemap: false,
            minify: "esbuild",
            chunkSizeWarningLimit: 6000,
            lib: { entry: here(c.entry), formats: ["iife"], name: c.name, fileName: () => c.file },
            rollupOptions: { output: { inlineDynamicImports: true } },
          },
        });
      }
    },
  };
}

export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  plugins: [exportCharts(), cspHashes()],
  build: {
    outDir: OUT, // not under dist/: the app build empties dist/ (gitignored: build/)
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    assetsInlineLimit: 100_000_000,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 900,
    lib: false,
    rollupOptions: {
      input: "src/static.tsx",
      output: {
        format: "iife",
        inlineDynamicImports: true,
        entryFileNames: "reflow-export.js",
        assetFileNames: (info) => (info.names?.[0]?.endsWith(".css") ? "reflow-export.css" : "[name][extname]"),
      },
    },
  },
});
