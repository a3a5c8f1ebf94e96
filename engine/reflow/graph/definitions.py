"""Name indexes: name -> cells, the reason graph updates are near-linear.

The graph keeps three of these (definers, readers, deleters). Finding the cells
connected to a new cell is then a dictionary lookup per name instead of a scan
over every cell.
"""

from __future__ import annotations

from collections.abc import Iterable


class NameIndex:
    """A multimap name -> set of cell ids, kept small (empty sets are dropped)."""

    __slots__ = ("_cells",)

    def __init__(self) -> None:
        self._cells: dict[str, set[str]] = {}

    def add(self, cell_id: str, names: Iterable[str]) -> None:
        for name in names:
            self._cells.setdefault(name, set()).add(cell_id)

    def remove(self, cell_id: str, names: Iterable[str]) -> None:
        for name in names:
            cells = self._cells.get(name)
            if cells is None:
                continue
            cells.discard(cell_id)
            if not cells:
                del self._cells[name]

    def get(self, name: str) -> set[str]:
        """Cells for ``name``; an empty set (do not mutate it) when none."""
        return self._cells.get(name, _EMPTY)

    def names(self) -> Iterable[str]:
        return self._cells.keys()

    def __len__(self) -> int:
        """How many names have cells."""
        return len(self._cells)

    def count(self, name: str) -> int:
        return len(self._cells.get(name, ()))


_EMPTY: set[str] = set()
