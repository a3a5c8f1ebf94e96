// @vitest-environment jsdom
// Math in markdown: which dollars are math, what KaTeX draws, what sanitising keeps.

import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/markdown";
import { mathLoaded, requestMath } from "../src/math";
import { rewriteKatexCss } from "../src/math/katex";

const textOf = (html: string) => {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
};

describe("markdown math before KaTeX is loaded", () => {
  it("shows placeholders holding the TeX, and draws them in place when KaTeX arrives", async () => {
    expect(mathLoaded()).toBe(false);
    const html = renderMarkdown("Euler: $e^{i\\pi} + 1 = 0$");
    const host = textOf(html);
    document.body.appendChild(host);
    const pending = host.querySelector("span.rw-math-pending");
    expect(pending?.textContent).toBe("e^{i\\pi} + 1 = 0");
    expect(host.querySelector(".katex")).toBeNull();
    await requestMath();
    expect(mathLoaded()).toBe(true);
    expect(host.querySelector("span.rw-math-pending")).toBeNull();
    expect(host.querySelector(".katex")).not.toBeNull();
    expect(host.textContent).toContain("Euler:");
    // the next render of the same text is KaTeX straight away
    expect(renderMarkdown("Euler: $e^{i\\pi} + 1 = 0$")).toContain('class="katex"');
  });
});

describe("markdown math with KaTeX", () => {
  it("renders inline and display math", async () => {
    await requestMath();
    const el = textOf(renderMarkdown("Inline $a^2 + b^2 = c^2$ here.\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\nAnd $$x_1$$ inline display."));
    expect(el.querySelectorAll(".katex").length).toBe(3);
    expect(el.querySelectorAll(".katex-display").length).toBe(2);
    expect(el.querySelector(".math-block .katex-display")).not.toBeNull();
    expect(el.querySelector("p")?.textContent).toContain("Inline");
  });

  it("leaves prose dollars, code and escaped dollars alone", async () => {
    await requestMath();
    for (const text of ["It costs $5 and $10 today.", "Use `$x$` in code", "```\n$$y$$\n```", "Price \\$3 or \\$4 each", "a $ b $ c", "Prices: $5 and $10, `$x$`."]) {
      expect(renderMarkdown(text), text).not.toContain("katex");
    }
    expect(textOf(renderMarkdown("Price \\$3 and \\$4")).textContent?.trim()).toBe("Price $3 and $4");
    expect(textOf(renderMarkdown("Use `$x$` in code")).querySelector("code")?.textContent).toBe("$x$");
    // a math dollar next to an escaped one
    const mixed = textOf(renderMarkdown("\\$5 for $x^2$"));
    expect(mixed.querySelectorAll(".katex").length).toBe(1);
    expect(mixed.textContent).toContain("$5 for");
  });

  it("keeps sanitising: no script, handler or javascript: link gets through formulas", async () => {
    await requestMath();
    const html = renderMarkdown(
      '$\\href{javascript:alert(1)}{x}$ and $\\text{<img src=x onerror=alert(2)>}$ <script>alert(3)</script> $\\url{javascript:alert(4)}$',
    );
    const el = textOf(html);
    expect(el.querySelectorAll(".katex").length).toBe(3);
    expect(el.querySelectorAll("script, img, a, iframe, object").length).toBe(0);
    const attrs = Array.from(el.querySelectorAll("*")).flatMap((n) => Array.from(n.attributes).map((a) => `${a.name}=${a.value}`));
    expect(attrs.filter((a) => /^on|javascript:/i.test(a))).toEqual([]);
  });

  it("shows a bad formula as its source, not an exception", async () => {
    await requestMath();
    const html = renderMarkdown("Broken $\\frac{1}{$ formula");
    expect(html).toContain("Broken");
  });

  it("styles come from the bundle: woff2 only, no fonts/ paths left to fetch", () => {
    // KaTeX's own rules (katex.min.css, one per font), as shipped
    const shipped =
      '@font-face{font-display:block;font-family:KaTeX_AMS;font-style:normal;font-weight:400;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),url(fonts/KaTeX_AMS-Regular.woff) format("woff"),url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}' +
      '@font-face{font-display:block;font-family:KaTeX_Main;font-style:italic;font-weight:700;src:url(fonts/KaTeX_Main-BoldItalic.woff2) format("woff2"),url(fonts/KaTeX_Main-BoldItalic.woff) format("woff"),url(fonts/KaTeX_Main-BoldItalic.ttf) format("truetype")}';
    const fonts = { "/node_modules/katex/dist/fonts/KaTeX_AMS-Regular.woff2": "data:font/woff2;base64,AAA", "/x/fonts/KaTeX_Main-BoldItalic.woff2": "./assets/KaTeX_Main-BoldItalic-h4sh.woff2" };
    const css = rewriteKatexCss(shipped, fonts);
    expect(css).toContain("@font-face");
    expect(css).not.toMatch(/url\(fonts\//);
    expect(css).not.toMatch(/\.ttf|format\("woff"\)|format\("truetype"\)/);
    expect(css).toContain('src:url("data:font/woff2;base64,AAA") format("woff2")}');
    expect(css).toContain('src:url("./assets/KaTeX_Main-BoldItalic-h4sh.woff2") format("woff2")}');
  });
});
