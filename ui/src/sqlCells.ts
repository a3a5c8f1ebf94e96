// SQL cells (issue 19): a code cell with options.language = "sql" (`# %% [sql] name="df1"` in the
// file). The kernel runs the query with DuckDB and binds the result to options.name.

import type { CellOptions } from "./protocol";

interface Cells {
  order: string[];
  cells: Record<string, { options: CellOptions } | undefined>;
}

export function isSql(options: CellOptions): boolean {
  return options.language === "sql";
}

/** The result name of an SQL cell, "" when it has none (the result is then only shown). */
export function sqlName(options: CellOptions): string {
  return typeof options.name === "string" ? options.name : "";
}

/** A Python name (as the kernel checks it): letters, digits, underscores, not starting with a digit. */
export function validSqlName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** df1, df2, ...: the first one no SQL cell of the notebook binds yet. */
export function freeSqlName(s: Cells): string {
  const used = new Set(s.order.map((id) => s.cells[id]).filter((c) => c && isSql(c.options)).map((c) => sqlName(c!.options)));
  let n = 1;
  while (used.has(`df${n}`)) n += 1;
  return `df${n}`;
}
