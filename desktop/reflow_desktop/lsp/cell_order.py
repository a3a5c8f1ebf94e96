"""The notebook's Python cells in execution order, kept up to date edit by edit.

The server reads one document top to bottom, so a cell must come after the cells it reads from:
the dataflow graph's execution order (display order where that is valid). The graph is updated
incrementally: only cells whose code changed are analysed again, so a keystroke in a 200-cell
notebook costs one cell's analysis. SQL and markdown cells are left out (not Python).
"""

from __future__ import annotations

from collections.abc import Sequence

from reflow.analysis import analyze_cell
from reflow.graph import DataflowGraph
from reflow.notebook import Cell
from reflow.notebook.sql_cells import is_sql


def is_python(cell: Cell) -> bool:
    return cell.kind == "code" and not is_sql(cell.options)


class CellOrder:
    """Feed it the notebook's cells after each change; ``order`` gives the Python cells' ids to read in."""

    def __init__(self) -> None:
        self._graph = DataflowGraph()
        self._code: dict[str, str] = {}
        self._display: list[str] = []

    def update(self, cells: Sequence[Cell]) -> list[str]:
        python = [c for c in cells if is_python(c)]
        ids = [c.id for c in python]
        for gone in set(self._code) - set(ids):
            self._graph.remove_cell(gone)
            del self._code[gone]
        for cell in python:
            if self._code.get(cell.id) != cell.source:
                self._graph.set_cell(cell.id, analyze_cell(cell.source))
                self._code[cell.id] = cell.source
        if ids != self._display:
            self._graph.set_display_order(ids)
            self._display = ids
        order = [i for i in self._graph.execution_order() if i in self._code]
        seen = set(order)
        return order + [i for i in ids if i not in seen]
