import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { codeLineChar, hoverPlainText, toLineChar, toOffset } from "../src/lsp/positions";

describe("language server positions in a cell", () => {
  const code = "x = '😀'\nprint(x)\n";
  const doc = Text.of(code.split("\n"));

  it("round-trips every offset through (line, UTF-16 character)", () => {
    for (let offset = 0; offset <= doc.length; offset++) {
      const at = toLineChar(doc, offset);
      expect(toOffset(doc, at)).toBe(offset);
      expect(codeLineChar(code, offset)).toEqual(at);
    }
  });

  it("counts characters as UTF-16 units, as LSP does", () => {
    expect(toLineChar(doc, code.indexOf("\n"))).toEqual({ line: 0, character: 8 }); // 😀 is two units
    expect(toOffset(doc, { line: 1, character: 6 })).toBe(code.indexOf("x)"));
  });

  it("clamps what a server points past", () => {
    expect(toOffset(doc, { line: 0, character: 999 })).toBe(code.indexOf("\n"));
    expect(toOffset(doc, { line: 40, character: 0 })).toBe(doc.length);
    expect(toOffset(doc, { line: -1, character: 3 })).toBe(0);
  });

  it("shows hover markdown as plain text", () => {
    expect(hoverPlainText("```python\ndef f(a)\n```\n\nDoes \\_this\\_.")).toBe("def f(a)\n\nDoes _this_.");
  });
});
