// Markdown → sanitised HTML (marked + DOMPurify), cached by source text.
// `$...$` / `$$...$$` become KaTeX math (math/), sanitised with the rest: DOMPurify
// runs over the whole page fragment, formulas included.

import DOMPurify from "dompurify";
import { Marked } from "marked";
import { mathLoaded, onMathLoaded, PENDING_CLASS, texToHtml } from "./math";
import { mathExtensions, mayHaveMath } from "./math/syntax";

const cache = new Map<string, string>();
const marked = new Marked({ async: false, gfm: true, breaks: false }, { extensions: mathExtensions(texToHtml) });
const plain = new Marked({ async: false, gfm: true, breaks: false });

function sanitize(raw: string): string {
  return DOMPurify.sanitize(raw, { USE_PROFILES: { html: true, svg: true, mathMl: true } });
}

export function renderMarkdown(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const raw = (mayHaveMath(text) ? marked : plain).parse(text) as string;
  const html = sanitize(raw);
  // a formula still waiting for KaTeX is not cached: the next render has the real thing
  if (mathLoaded() || !html.includes(PENDING_CLASS)) {
    if (cache.size > 2000) cache.clear();
    cache.set(text, html);
  }
  return html;
}

/** KaTeX arrived: formulas already on screen (placeholders) are drawn in place. */
function drawPending(): void {
  if (typeof document === "undefined") return;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>(`span.${PENDING_CLASS}`))) {
    const holder = document.createElement("span");
    holder.innerHTML = sanitize(texToHtml(el.textContent ?? "", el.dataset.display === "1"));
    el.replaceWith(...Array.from(holder.childNodes));
  }
}
onMathLoaded(drawPending);
