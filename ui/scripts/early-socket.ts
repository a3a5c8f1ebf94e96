// A Vite plugin: builds src/boot/earlyEntry.ts to a small classic script with a content-hashed name
// and puts it first in the page's <head>, so the WebSocket opens while the app's bundle is still
// on its way (src/boot/earlySocket.ts). A file, not inline code: the page's CSP allows no inline
// script; hashed, so the long-lived asset cache never serves an old one after an update.
import { build, type Plugin } from "vite";

const ENTRY = "src/boot/earlyEntry.ts"; // under the UI's root

async function shortHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest.slice(0, 5), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The built script: one IIFE, no imports (it runs before any module). */
export async function buildEarlyScript(root: string): Promise<string> {
  const out = await build({
    configFile: false,
    root,
    logLevel: "warn",
    build: {
      write: false,
      target: "es2022",
      minify: "esbuild",
      sourcemap: false,
      lib: { entry: ENTRY, formats: ["iife"], name: "ReflowEarlySocket", fileName: () => "early-socket.js" },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const o of outputs) if ("output" in o) for (const c of o.output) if (c.type === "chunk") return c.code;
  throw new Error("early-socket: no script built");
}

export function earlySocket(): Plugin {
  let root = "";
  let fileName = "";
  let code = "";
  return {
    name: "reflow-early-socket",
    apply: "build",
    configResolved(config) {
      root = config.root;
    },
    async buildStart() {
      code = await buildEarlyScript(root);
      fileName = `assets/early-socket-${await shortHash(code)}.js`;
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName, source: code });
    },
    transformIndexHtml() {
      return [{ tag: "script", attrs: { src: `./${fileName}` }, injectTo: "head-prepend" }];
    },
  };
}
