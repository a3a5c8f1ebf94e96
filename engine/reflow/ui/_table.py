"""``reflow.ui.table`` and the paged, sortable view of data frames.

Rows reach the UI a page at a time (``table_page`` requests), so a million-row
frame costs one page per view. pandas and polars are only touched when the user's
value is one of them (checked by ``type(v).__module__``); nothing here imports them.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Callable, Sequence
from typing import Any

from reflow.ui._core import UIElement

PAGE_SIZE = 25


def frame_library(value: object) -> str | None:
    """ "pandas" / "polars" when ``value`` is one of their DataFrames, else None."""
    module = type(value).__module__
    name = type(value).__name__
    if name == "DataFrame" and module.startswith("pandas"):
        return "pandas"
    if name == "DataFrame" and module.startswith("polars"):
        return "polars"
    return None


def cell_json(v: Any) -> Any:
    """One table cell as JSON (numbers, text, bools, null; anything else as text)."""
    if v is None or isinstance(v, (bool, int)):
        return v
    if isinstance(v, str):
        return v if len(v) <= 1000 else v[:1000] + "…"
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    item = getattr(v, "item", None)  # numpy scalars
    if item is not None and type(v).__module__ == "numpy":
        try:
            return cell_json(item())
        except (TypeError, ValueError):
            pass
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return v.isoformat()
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    iso = getattr(v, "isoformat", None)
    if callable(iso):
        try:
            return iso()
        except Exception:
            pass
    text = str(v)
    return text if len(text) <= 1000 else text[:1000] + "…"


class _Rows:
    """A list of dicts (or of plain values) as a table."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self.rows = list(rows)
        cols: dict[str, None] = {}
        self.plain = not all(isinstance(r, dict) for r in self.rows[:1000]) if self.rows else False
        if self.plain:
            cols["value"] = None
        else:
            for r in self.rows[:1000]:
                for k in r:
                    cols[str(k)] = None
        self.columns = list(cols)
        self._orders: dict[tuple[str, bool], list[int]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def _cell(self, row: Any, col: str) -> Any:
        if self.plain:
            return row
        return row.get(col, row.get(_maybe_int(col)))

    def order(self, column: str, descending: bool) -> list[int]:
        key = (column, descending)
        if key not in self._orders:

            def sort_key(i: int) -> tuple[bool, tuple[Any, ...]]:
                v = self._cell(self.rows[i], column)
                return (v is None, _sortable(v))

            idx = sorted(range(len(self.rows)), key=sort_key, reverse=descending)
            if descending:  # keep missing values last
                idx = [i for i in idx if self._cell(self.rows[i], column) is not None] + [
                    i for i in idx if self._cell(self.rows[i], column) is None
                ]
            self._orders[key] = idx
        return self._orders[key]

    def page(self, start: int, stop: int, sort: tuple[str, bool] | None) -> tuple[list[int], list[list[Any]]]:
        positions = self.order(*sort)[start:stop] if sort else list(range(start, min(stop, len(self.rows))))
        return positions, [[cell_json(self._cell(self.rows[i], c)) for c in self.columns] for i in positions]

    def select(self, positions: list[int]) -> Any:
        return [self.rows[i] for i in positions]


def _maybe_int(col: str) -> Any:
    try:
        return int(col)
    except ValueError:
        return col


def _sortable(v: Any) -> tuple[Any, ...]:
    """Mixed types sort by type name first so sorting never raises."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (0, "", v)
    return (1, type(v).__name__, str(v) if not isinstance(v, (str, bytes)) else v)


class _Pandas:
    def __init__(self, df: Any) -> None:
        self.df = df
        self.columns = [str(c) for c in df.columns]
        self._orders: dict[tuple[str, bool], Any] = {}

    def __len__(self) -> int:
        return len(self.df)

    def order(self, column: str, descending: bool) -> Any:
        key = (column, descending)
        if key not in self._orders:
            series = self.df.iloc[:, self.columns.index(column)].reset_index(drop=True)
            try:
                ordered = series.sort_values(ascending=not descending, kind="stable", na_position="last")
            except TypeError:  # unorderable mixed values: sort by their text
                ordered = series.astype(str).sort_values(ascending=not descending, kind="stable")
            self._orders[key] = ordered.index.to_numpy()
        return self._orders[key]

    def page(self, start: int, stop: int, sort: tuple[str, bool] | None) -> tuple[list[int], list[list[Any]]]:
        if sort:
            positions = [int(i) for i in self.order(*sort)[start:stop]]
        else:
            positions = list(range(start, min(stop, len(self.df))))
        part = self.df.iloc[positions]
        rows = [[cell_json(v) for v in row] for row in part.itertuples(index=False, name=None)]
        return positions, rows

    def select(self, positions: list[int]) -> Any:
        return self.df.iloc[positions]


class _Polars:
    def __init__(self, df: Any) -> None:
        self.df = df
        self.columns = [str(c) for c in df.columns]
        self._orders: dict[tuple[str, bool], Any] = {}

    def __len__(self) -> int:
        return int(self.df.height)

    def order(self, column: str, descending: bool) -> Any:
        key = (column, descending)
        if key not in self._orders:
            self._orders[key] = self.df.get_column(column).arg_sort(descending=descending, nulls_last=True)
        return self._orders[key]

    def page(self, start: int, stop: int, sort: tuple[str, bool] | None) -> tuple[list[int], list[list[Any]]]:
        if sort:
            positions = [int(i) for i in self.order(*sort).slice(start, stop - start).to_list()]
            part = self.df[positions] if positions else self.df.head(0)
        else:
            positions = list(range(start, min(stop, self.df.height)))
            part = self.df.slice(start, stop - start)
        return positions, [[cell_json(v) for v in row] for row in part.iter_rows()]

    def select(self, positions: list[int]) -> Any:
        return self.df[positions] if positions else self.df.head(0)


def adapter(data: Any) -> Any:
    lib = frame_library(data)
    if lib == "pandas":
        return _Pandas(data)
    if lib == "polars":
        return _Polars(data)
    if isinstance(data, dict):  # dict of columns
        cols = list(data)
        n = max((len(v) for v in data.values()), default=0)
        return _Rows([{c: data[c][i] if i < len(data[c]) else None for c in cols} for i in range(n)])
    return _Rows(list(data))


class table(UIElement):
    """A table of rows (list of dicts, dict of columns, pandas/polars DataFrame).

    ``selection``: None, "single" or "multi"; ``value`` is the selected rows (a list
    of rows, or a DataFrame of them for a DataFrame).
    """

    kind = "table"
    persist = False  # a selection is row positions into data that may differ next time

    def __init__(
        self,
        data: Any,
        *,
        selection: str | None = "multi",
        page_size: int = PAGE_SIZE,
        label: str = "",
        initial_selection: Sequence[int] | None = None,
        on_change: Callable[[Any], object] | None = None,
    ) -> None:
        if selection not in (None, "single", "multi"):
            raise ValueError('selection must be None, "single" or "multi"')
        self._data = adapter(data)
        self._selected: list[int] = list(initial_selection or [])
        total = len(self._data)
        positions, rows = self._data.page(0, page_size, None)
        props = {
            "columns": self._data.columns,
            "total": total,
            "page_size": page_size,
            "selection": selection,
            "rows": rows,
            "indices": positions,
            "frame": frame_library(data),
        }
        super().__init__(self._data.select(self._selected), props, label=label, on_change=on_change)
        self._args_key = repr((self.kind, selection, self._data.columns, total, id(data)))
        from reflow.ui._core import REGISTRY

        previous = REGISTRY.previous(self._id)
        if isinstance(previous, table) and previous._args_key == self._args_key:  # same data object
            self._selected = list(previous._selected)
            self._value = self._data.select(self._selected)

    def _key(self) -> str:
        return ""

    def _convert(self, value: Any) -> Any:
        total = len(self._data)
        positions = [int(i) for i in (value or []) if 0 <= int(i) < total]
        if self._props["selection"] == "single":
            positions = positions[-1:]
        elif self._props["selection"] is None:
            positions = []
        self._selected = positions
        return self._data.select(positions)

    def _to_json(self, value: Any) -> Any:
        return list(self._selected)

    def page(self, page: int, sort: dict[str, Any] | None = None, page_size: int | None = None) -> dict[str, Any]:
        """One page of rows, sorted by ``sort = {column, descending}`` when given."""
        size = max(1, min(int(page_size or self._props["page_size"]), 1000))
        start = max(0, int(page)) * size
        key = None
        if sort and sort.get("column") in self._data.columns:
            key = (str(sort["column"]), bool(sort.get("descending")))
        positions, rows = self._data.page(start, start + size, key)
        return {
            "element_id": self._id,
            "page": int(page),
            "page_size": size,
            "total": len(self._data),
            "rows": rows,
            "indices": positions,
        }

    def _static_html(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self._props["columns"])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
            for row in self._props["rows"]
        )
        more = self._props["total"] - len(self._props["rows"])
        note = f"<p>… {more:,} more rows</p>" if more > 0 else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"

    def __repr__(self) -> str:
        return f"<table rows={len(self._data)} selected={self._selected!r}>"


def frame_view(df: Any) -> table:
    """How a DataFrame shown as a cell's output is rendered: a table without selection."""
    return table(df, selection=None)
