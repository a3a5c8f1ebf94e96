// The KaTeX renderer: a lazy chunk in the app (loader.ts), an inlined script in the
// HTML export (loader-static.ts). Its stylesheet is injected on first use, with the
// fonts as woff2 only (every engine we run in reads woff2), so the fonts come from the
// bundle -- hashed assets in the app, data URLs in the export -- never the network.

import katex from "katex";
import css from "katex/dist/katex.min.css?raw";

const FONTS = import.meta.glob<string>("/node_modules/katex/dist/fonts/*.woff2", { query: "?url", import: "default", eager: true });

/** KaTeX's CSS with woff2 sources pointing at `fonts` (file name -> URL) and the woff/ttf fallbacks dropped. */
export function rewriteKatexCss(source: string, fonts: Record<string, string>): string {
  const urls = new Map<string, string>();
  for (const [path, url] of Object.entries(fonts)) urls.set(path.slice(path.lastIndexOf("/") + 1), url);
  return source
    .replace(/,\s*url\(fonts\/[^)]+\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, "")
    .replace(/url\(fonts\/([^)]+\.woff2)\)/g, (whole, file: string) => {
      const url = urls.get(file);
      return url ? `url(${JSON.stringify(url)})` : whole;
    });
}

let styled = false;
function ensureStyle(): void {
  if (styled || typeof document === "undefined") return;
  styled = true;
  const style = document.createElement("style");
  style.id = "reflow-katex";
  style.textContent = rewriteKatexCss(css, FONTS);
  document.head.appendChild(style);
}

/** TeX -> HTML (+ hidden MathML for screen readers). Errors render as KaTeX's red source text;
 * `trust: false` keeps \href, \url, \includegraphics and friends from making links or requests. */
export function renderTex(tex: string, display: boolean): string {
  ensureStyle();
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false,
    strict: "ignore",
    output: "htmlAndMathml",
    maxSize: 100,
    maxExpand: 1000,
  });
}
