import { describe, expect, it } from "vitest";
import { commandKey, globalKey, keyToken } from "../src/keys";
import { keyLabel } from "../src/palette/registry";
import { freeSqlName, isSql, validSqlName } from "../src/sqlCells";

describe("format keys (issue 19)", () => {
  it("reads Shift-Alt chords from the physical key, whatever character Alt makes", () => {
    expect(keyToken({ key: "Ï", shift: true, alt: true, code: "KeyF" })).toBe("Shift-Alt-f");
    expect(keyToken({ key: "f", alt: true, code: "KeyF" })).toBeNull(); // other Alt chords stay the system's
    expect(keyLabel("Shift-Alt-f")).toBe("Shift-Alt-F");
  });

  it("Shift-Alt-F formats the cell, in editors too (a global key)", () => {
    expect(globalKey({ key: "F", shift: true, alt: true, code: "KeyF" })).toBe("format-cell");
    expect(commandKey({ key: "F", shift: true, alt: true, code: "KeyF" }).command).toBe("format-cell");
  });
});

describe("SQL cells", () => {
  it("are code cells whose options say sql", () => {
    expect(isSql({ language: "sql", name: "df1" })).toBe(true);
    expect(isSql({ title: "x" })).toBe(false);
  });

  it("get the first free result name", () => {
    const cells = {
      a: { options: { language: "sql", name: "df1" } },
      b: { options: { name: "df2" } }, // not an SQL cell: its option does not count
      c: { options: { language: "sql", name: "df3" } },
    };
    expect(freeSqlName({ order: ["a", "b", "c"], cells })).toBe("df2");
  });

  it("accept only Python names", () => {
    expect(validSqlName("sales_2024")).toBe(true);
    expect(validSqlName("2024")).toBe(false);
    expect(validSqlName("a b")).toBe(false);
  });
});
