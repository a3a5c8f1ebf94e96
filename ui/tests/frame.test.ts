// @vitest-environment jsdom
// Output frames: what goes into the sandboxed srcdoc document.

import { describe, expect, it } from "vitest";
import { frameDocument } from "../src/view/frame";
import { FRAME_HEIGHT, FRAME_SIZER_JS } from "../src/view/frameSizer";

describe("frameDocument", () => {
  it("drops scripts and inline handlers, keeps tables and styles", () => {
    const doc = frameDocument('<style>td{color:red}</style><table><tr><td>42</td></tr></table><img src=x onerror="alert(1)"><script>alert(2)</script>', "light");
    expect(doc).toContain("<td>42</td>");
    expect(doc).toContain("td{color:red}");
    expect(doc).not.toContain("onerror");
    expect(doc).not.toContain("alert");
  });

  it("runs only the sizer, which names the message type through the root element", () => {
    const doc = frameDocument("<p>hi</p>", "dark");
    const scripts = doc.match(/<script>([\s\S]*?)<\/script>/g) ?? [];
    expect(scripts).toEqual([`<script>${FRAME_SIZER_JS}</script>`]);
    expect(doc).toContain(`data-sizer="${FRAME_HEIGHT}"`);
    expect(doc).toContain('data-theme="dark"');
  });

  it("keeps the sizer free of quotes and backslashes (its hash must survive minification)", () => {
    expect(FRAME_SIZER_JS).not.toMatch(/["'`\\]/);
  });

  it("keeps a hostile theme inside its attribute", () => {
    const theme = '"><script>x()</script>';
    const parsed = new DOMParser().parseFromString(frameDocument("", theme), "text/html");
    expect(parsed.documentElement.dataset.theme).toBe(theme);
    expect([...parsed.scripts].map((s) => s.textContent)).toEqual([FRAME_SIZER_JS]);
  });
});
