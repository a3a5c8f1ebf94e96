"""How messages name cells: by display number ("cell 3", "cell 3, line 2"), never by id.

Cell ids are internal (random per session) and mean nothing to users, yet the
graph and the runtime work with them. Everything a user reads -- run errors,
graph errors, tracebacks, ``reflow script`` -- goes through ``CellNumbers``,
which knows the notebook's display order. The order may include markdown cells
(the kernel and ``reflow script`` give the whole notebook's order), so numbers
match the ones the editor shows in the cell gutter.

Numbers are taken when the message is made; a later move does not rewrite an
error already shown (like Jupyter's execution counts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

DELETED = "a deleted cell"


def describe_cell(cell_id: str, order: Sequence[str], line: int | None = None) -> str:
    """``"cell 3"`` (1-based position of ``cell_id`` in ``order``), ``"cell 3, line 2"`` with a line."""
    try:
        label = f"cell {order.index(cell_id) + 1}"
    except ValueError:
        return DELETED
    return f"{label}, line {line}" if line is not None else label


def first_line(code: str, limit: int = 40) -> str:
    """The first line of code a user would recognise a cell by (comments and blanks skipped), shortened."""
    for raw in code.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class CellNumbers:
    """Display numbers of a notebook's cells, from an order that may change."""

    def __init__(self, order: Callable[[], Sequence[str]]) -> None:
        self._order = order

    def use(self, order: Callable[[], Sequence[str]]) -> None:
        """Number cells by this order instead (e.g. the whole notebook, markdown included)."""
        self._order = order

    def number(self, cell_id: str) -> int | None:
        order = self._order()
        try:
            return list(order).index(cell_id) + 1
        except ValueError:
            return None

    def cell(self, cell_id: str, line: int | None = None) -> str:
        """``"cell 3"`` / ``"cell 3, line 2"``; a cell no longer in the notebook is "a deleted cell"."""
        return describe_cell(cell_id, list(self._order()), line)

    def deleted(self, cell_id: str, code: str) -> str:
        """A cell being deleted, as users knew it: ``"cell 2 (`x = 1`), which was deleted"``; once the
        notebook no longer numbers it (the kernel's document drops it first), by its first line."""
        line = first_line(code)
        shown = f" (`{line}`)" if line else ""
        number = self.number(cell_id)
        if number is None:
            return f"the deleted cell `{line}`" if line else DELETED
        return f"cell {number}{shown}, which was deleted"

    def cells(self, cell_ids: Iterable[str]) -> str:
        """``"cell 2"``, ``"cells 2 and 5"``, ``"cells 2, 3 and 5"`` (display order)."""
        order = list(self._order())
        position = {cid: i for i, cid in enumerate(order)}
        ids = list(dict.fromkeys(cell_ids))
        known = sorted((c for c in ids if c in position), key=position.__getitem__)
        parts = [str(position[c] + 1) for c in known]
        missing = len(ids) - len(known)
        if not parts:
            return DELETED if missing <= 1 else f"{missing} deleted cells"
        text = ("cell " if len(parts) == 1 else "cells ") + _join(parts)
        return text + (f" and {missing} deleted" if missing else "")

    def humanize(self, text: str) -> str:
        """Replace cell ids in ``text`` (``<cell ID>`` file names, ``cell ID``) by numbers."""
        if not text or "cell" not in text:
            return text
        order = list(self._order())
        if not order:
            return text
        position = {cid: i + 1 for i, cid in enumerate(order)}
        ids = "|".join(re.escape(c) for c in sorted(position, key=len, reverse=True))
        pattern = re.compile(rf"(<cell |\bcell )({ids})(?![\w-])")
        return pattern.sub(lambda m: f"{m.group(1)}{position[m.group(2)]}", text)

    def graph_error(self, error: object) -> str:
        """The one-line message of a graph error (reflow.graph.errors) with cell numbers."""
        kind = type(error).__name__
        name = getattr(error, "name", "")
        cells: tuple[str, ...] = tuple(getattr(error, "cells", ()) or ())
        if kind == "MultipleDefinitionError":
            return (
                f"'{name}' is also defined by {self.cells(cells)}; a global name may be defined "
                f"by one cell only (merge the cells, rename one, or prefix it with _ to keep it private)"
            )
        if kind == "UndefinedAboveError":
            return (
                f"'{name}' is defined only below, by {self.cells(cells)}; a cell reads the definition "
                f"nearest above it (move a definition above this cell)"
            )
        if kind == "CycleError":
            edges = getattr(error, "edges", ()) or ()
            if edges:
                path = " -> ".join(f"{self.cell(src)} --({', '.join(names)})" for src, names, _ in edges)
                return f"cells depend on each other in a cycle: {path} -> {self.cell(cells[0])}"
            names = ", ".join(getattr(error, "names", ()) or ())
            return f"cells depend on each other in a cycle: {' -> '.join(self.cell(c) for c in cells)} (names: {names})"
        return self.humanize(str(getattr(error, "message", error)))
