// A Vite plugin: writes csp-hashes.json ({"frame_sizer": "'sha256-…'", …}) beside the build,
// so the server's and the exporter's Content-Security-Policy allow the output frames'
// one script (src/view/frameSizer.ts) by hash and nothing else inline -- plus, in the app's
// build only, the page's first script (scripts/early-socket.ts passes it as ``extra``).
import type { Plugin } from "vite";
import { FRAME_SIZER_JS } from "../src/view/frameSizer";

export async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

/** ``extra``: name -> inline script text, read when the bundle is written. */
export function cspHashes(extra: () => Record<string, string> = () => ({})): Plugin {
  return {
    name: "reflow-csp-hashes",
    async generateBundle() {
      const hashes: Record<string, string> = { frame_sizer: `'sha256-${await sha256Base64(FRAME_SIZER_JS)}'` };
      for (const [name, text] of Object.entries(extra())) hashes[name] = `'sha256-${await sha256Base64(text)}'`;
      this.emitFile({ type: "asset", fileName: "csp-hashes.json", source: JSON.stringify(hashes) + "\n" });
    },
  };
}
