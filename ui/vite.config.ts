/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { cspHashes } from "./scripts/csp-hashes";
import { lazyOnly } from "./scripts/lazy-only";
import { anywidgetEsm } from "./scripts/anywidget-esm";
import { earlySocket } from "./scripts/early-socket";

const early = earlySocket(); // the page's first, inline script: its hash goes into csp-hashes.json

// base "./": the server serves the page under "/" and "/s/SESSION", so every
// asset path must be relative to the page.
export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  plugins: [early, cspHashes(early.script), lazyOnly(), anywidgetEsm()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
  },
});
