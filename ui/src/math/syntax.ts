// Where the math is in markdown: marked extensions for `$...$` (inline), `$$...$$`
// (display, inline or as its own block). Pandoc's rule keeps prose dollars prose:
// an opening `$` is not followed by a space, a closing one not preceded by a space nor
// followed by a digit ("$5 and $10" is no math), and inline math holds no backtick, so it
// never swallows the start of a code span ("$10, `$x$`"). `\$` is marked's own escape (a
// dollar); code spans and code blocks are tokenised before any `$` inside them is looked at.

import type { TokenizerAndRendererExtension, Tokens } from "marked";

export type TexRenderer = (tex: string, display: boolean) => string;

interface MathToken extends Tokens.Generic {
  type: "math" | "mathBlock";
  text: string;
  display: boolean;
}

const BLOCK = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/;
const INLINE_DISPLAY = /^\$\$(?!\$)((?:\\[\s\S]|[^\\$`])+?)\$\$/;
const INLINE = /^\$(?![\s$])((?:\\[\s\S]|[^\\$`])+?)(?<!\s)\$(?!\d)/;

/** A quick test: could this text have math at all? (false: skip the renderer entirely) */
export function mayHaveMath(text: string): boolean {
  return /(?<!\\)\$/.test(text);
}

export function mathExtensions(render: TexRenderer): TokenizerAndRendererExtension[] {
  const block: TokenizerAndRendererExtension = {
    name: "mathBlock",
    level: "block",
    start: (src) => src.match(/^ {0,3}\$\$/m)?.index,
    tokenizer(src): MathToken | undefined {
      const m = BLOCK.exec(src);
      if (!m || !m[1].trim()) return undefined;
      return { type: "mathBlock", raw: m[0], text: m[1].trim(), display: true };
    },
    renderer: (token) => `<div class="math-block">${render((token as MathToken).text, true)}</div>\n`,
  };
  const inline: TokenizerAndRendererExtension = {
    name: "math",
    level: "inline",
    start: (src) => src.match(/(?<!\\)\$/)?.index,
    tokenizer(src): MathToken | undefined {
      const d = INLINE_DISPLAY.exec(src);
      if (d && d[1].trim()) return { type: "math", raw: d[0], text: d[1].trim(), display: true };
      const m = INLINE.exec(src);
      if (m) return { type: "math", raw: m[0], text: m[1], display: false };
      return undefined;
    },
    renderer: (token) => render((token as MathToken).text, (token as MathToken).display),
  };
  return [block, inline];
}
