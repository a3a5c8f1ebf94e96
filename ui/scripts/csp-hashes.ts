// A Vite plugin: writes csp-hashes.json ({"frame_sizer": "'sha256-…'"}) beside the build,
// so the server's and the exporter's Content-Security-Policy allow the output frames'
// one script (src/view/frameSizer.ts) by hash and nothing else inline.
import type { Plugin } from "vite";
import { FRAME_SIZER_JS } from "../src/view/frameSizer";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

export function cspHashes(): Plugin {
  return {
    name: "reflow-csp-hashes",
    async generateBundle() {
      const hashes = { frame_sizer: `'sha256-${await sha256Base64(FRAME_SIZER_JS)}'` };
      this.emitFile({ type: "asset", fileName: "csp-hashes.json", source: JSON.stringify(hashes) + "\n" });
    },
  };
}
