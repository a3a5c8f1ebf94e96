// A Vite plugin: builds src/boot/earlyEntry.ts to a small classic script and puts it inline, first
// in the page's <head>, so the WebSocket opens as soon as the page is parsed, while the app's bundle
// is still on its way (src/boot/earlySocket.ts). Inline rather than a file: a file is one more
// request to a server that is busy starting the kernel at that moment. The page's CSP allows it by
// its hash (csp-hashes.json, "early_socket"), like the output frames' sizer; no other inline script.
import { build, type Plugin } from "vite";

const ENTRY = "src/boot/earlyEntry.ts"; // under the UI's root
export const EARLY_SOCKET_HASH_NAME = "early_socket";

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
  for (const o of outputs) if ("output" in o) for (const c of o.output) if (c.type === "chunk") return c.code.trim();
  throw new Error("early-socket: no script built");
}

/** ``script()``: the inline text, for the CSP hash (csp-hashes.ts). */
export function earlySocket(): Plugin & { script(): Record<string, string> } {
  let root = "";
  let code = "";
  return {
    name: "reflow-early-socket",
    apply: "build",
    configResolved(config) {
      root = config.root;
    },
    async buildStart() {
      code = await buildEarlyScript(root);
      if (/<\/script/i.test(code)) this.error("early-socket: the script would end its own <script> element");
    },
    transformIndexHtml() {
      return [{ tag: "script", children: code, injectTo: "head-prepend" }];
    },
    script: (): Record<string, string> => (code ? { [EARLY_SOCKET_HASH_NAME]: code } : {}),
  };
}
