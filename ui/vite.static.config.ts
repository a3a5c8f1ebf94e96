import { defineConfig } from "vite";

// The exported-notebook bundle: ONE script and ONE stylesheet with every asset
// inlined (data URLs), no chunks, so the Python exporter can put them into a
// single self-contained HTML file that works offline.
export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "build/export", // not under dist/: the app build empties dist/ (gitignored: build/)
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
