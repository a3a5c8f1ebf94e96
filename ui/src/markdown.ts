// Markdown → sanitised HTML (marked + DOMPurify), cached by source text.

import DOMPurify from "dompurify";
import { marked } from "marked";

const cache = new Map<string, string>();

export function renderMarkdown(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const raw = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  const html = DOMPurify.sanitize(raw, { USE_PROFILES: { html: true, svg: true } });
  if (cache.size > 2000) cache.clear();
  cache.set(text, html);
  return html;
}
