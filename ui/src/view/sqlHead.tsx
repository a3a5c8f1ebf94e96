// The head of an SQL cell: "SQL → name", the global the query's result is bound to (editable).
// A name that is not a Python name is shown as invalid and not sent; empty: the result is only shown.

import { useEffect, useState } from "preact/hooks";
import type { Controller } from "../controller";
import type { CellOptions } from "../protocol";
import { sqlName, validSqlName } from "../sqlCells";

export function SqlHead(p: { id: string; options: CellOptions; controller: Controller; readOnly: boolean }) {
  const saved = sqlName(p.options);
  const [draft, setDraft] = useState(saved);
  useEffect(() => setDraft(saved), [saved]);
  const valid = draft === "" || validSqlName(draft);
  const commit = () => {
    if (draft === saved || !valid) return;
    p.controller.setOptions(p.id, { name: draft === "" ? null : draft });
  };
  return (
    <span class="sql-head" data-sql-name={saved} title="SQL cell (DuckDB): its result is a data frame bound to this name">
      <span class="sql-tag">SQL →</span>
      <input
        class={`sql-name ${valid ? "" : "invalid"}`}
        aria-label="Result name"
        value={draft}
        placeholder="name"
        spellcheck={false}
        disabled={p.readOnly}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value.trim())}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            commit();
            (e.target as HTMLInputElement).blur();
          }
          e.stopPropagation(); // typing a name is not a command
        }}
      />
    </span>
  );
}
