// Tables and data frames: the first page comes with the output, other pages and
// sorted views are fetched from the kernel (`table_page`), never all rows at once.

import { useEffect, useRef, useState } from "preact/hooks";
import { channel } from "./channel";
import { formatNumber, toggle } from "./convert";
import type { ElementPayload } from "./elements";

interface Sort {
  column: string;
  descending: boolean;
}

/** Next sort state when a column header is clicked: ascending → descending → none. */
export function nextSort(sort: Sort | null, column: string): Sort | null {
  if (!sort || sort.column !== column) return { column, descending: false };
  if (!sort.descending) return { column, descending: true };
  return null;
}

export function TableWidget({ p, selected, onSelect }: { p: ElementPayload; selected: number[]; onSelect: (v: number[]) => void }) {
  const { columns = [], total = 0, page_size = 25, selection } = p.props as {
    columns: string[];
    total: number;
    page_size: number;
    selection: "single" | "multi" | null;
  };
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<Sort | null>(null);
  const [rows, setRows] = useState<unknown[][]>(p.props.rows ?? []);
  const [indices, setIndices] = useState<number[]>(p.props.indices ?? []);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ask = useRef(0);
  const pages = Math.max(1, Math.ceil(total / page_size));

  useEffect(() => {
    if (page === 0 && !sort) {
      setRows(p.props.rows ?? []);
      setIndices(p.props.indices ?? []);
      setError(null);
      return;
    }
    const n = ++ask.current;
    setLoading(true);
    void channel.requestPage(p.element_id, page, sort, page_size).then((r) => {
      if (n !== ask.current) return;
      setLoading(false);
      if (!r) setError("No kernel: only the first rows are available here.");
      else if (r.error) setError(r.error);
      else {
        setRows(r.rows ?? []);
        setIndices(r.indices ?? []);
        setError(null);
      }
    });
  }, [page, sort, p.element_id, p.props.rows]);

  const sel = new Set(selected);
  const choose = (i: number) => selection && onSelect(toggle(selected, i, selection));
  const allOnPage = indices.length > 0 && indices.every((i) => sel.has(i));
  return (
    <div class={`rw-table-wrap ${loading ? "loading" : ""}`}>
      {p.props.label && <div class="rw-label">{p.props.label}</div>}
      <div class="rw-table-scroll">
        <table class="rw-table">
          <thead>
            <tr>
              {selection && (
                <th class="rw-sel">
                  {selection === "multi" && (
                    <input
                      type="checkbox"
                      aria-label="select page"
                      checked={allOnPage}
                      onChange={() => onSelect(allOnPage ? selected.filter((i) => !indices.includes(i)) : [...selected, ...indices.filter((i) => !sel.has(i))])}
                    />
                  )}
                </th>
              )}
              <th class="rw-index">#</th>
              {columns.map((c) => (
                <th key={c} class="sortable" onClick={() => (setSort(nextSort(sort, c)), setPage(0))} aria-sort={sort?.column === c ? (sort.descending ? "descending" : "ascending") : undefined}>
                  {c}
                  <span class="rw-sort">{sort?.column === c ? (sort.descending ? "▾" : "▴") : ""}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => {
              const i = indices[r];
              return (
                <tr key={i} class={sel.has(i) ? "selected" : ""} onClick={(e) => (e.target as HTMLElement).tagName !== "INPUT" && choose(i)}>
                  {selection && (
                    <td class="rw-sel">
                      <input type={selection === "single" ? "radio" : "checkbox"} aria-label={`select row ${i}`} checked={sel.has(i)} onChange={() => choose(i)} />
                    </td>
                  )}
                  <td class="rw-index">{i}</td>
                  {row.map((v, c) => (
                    <td key={c} class={typeof v === "number" ? "num" : ""}>
                      {v === null ? <span class="rw-null">—</span> : typeof v === "number" ? formatNumber(v) : String(v)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div class="rw-table-foot">
        <span>
          {total.toLocaleString()} rows{selection && selected.length ? ` · ${selected.length} selected` : ""}
        </span>
        {pages > 1 && (
          <span class="rw-pager">
            <button class="rw-button small" disabled={page === 0} onClick={() => setPage(0)} aria-label="first page">
              «
            </button>
            <button class="rw-button small" disabled={page === 0} onClick={() => setPage(page - 1)} aria-label="previous page">
              ‹
            </button>
            <span class="rw-page">
              page {(page + 1).toLocaleString()} of {pages.toLocaleString()}
            </span>
            <button class="rw-button small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)} aria-label="next page">
              ›
            </button>
            <button class="rw-button small" disabled={page >= pages - 1} onClick={() => setPage(pages - 1)} aria-label="last page">
              »
            </button>
          </span>
        )}
        {error && <span class="rw-error">{error}</span>}
      </div>
    </div>
  );
}
