"""Graph errors: what the UI shows on a cell the runtime refuses to run.

Errors are plain values (not raised): the graph keeps them per cell, and the
runtime turns them into ``CellError``s. Each message names the *other* cells
involved so the user can find them.
"""

from __future__ import annotations

from dataclasses import dataclass


class GraphError:
    """Base class: a reason a cell cannot run; ``message`` is one line for humans."""

    @property
    def message(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True)
class MultipleDefinitionError(GraphError):
    """``name`` is also defined by ``cells`` (the other definers, not this cell)."""

    name: str
    cells: tuple[str, ...]

    @property
    def message(self) -> str:
        plural = "cells" if len(self.cells) > 1 else "cell"
        return (
            f"'{self.name}' is also defined by {plural} {', '.join(self.cells)}; a global "
            f"name may be defined by one cell only (merge the cells, rename one, or "
            f"prefix it with _ to keep it private)"
        )


@dataclass(frozen=True)
class UndefinedAboveError(GraphError):
    """The cell reads ``name``, which several cells write, but none above it in display order.

    ``cells`` are the cells below that define ``name`` (display order). The message
    names them by id; display layers turn ids into cell numbers.
    """

    name: str
    cells: tuple[str, ...]

    @property
    def message(self) -> str:
        below = " and ".join(f"cell {c}" for c in self.cells) or "no cell"
        return (
            f"'{self.name}' is defined only below, by {below}; a cell reads the "
            f"definition nearest above it (move a definition above this cell)"
        )


@dataclass(frozen=True)
class CycleError(GraphError):
    """The cell is on a dependency cycle.

    ``cells`` lists the cycle in order starting at this cell; ``edges`` gives
    ``(from_cell, names, to_cell)`` for each step; ``names`` all names involved.
    """

    cells: tuple[str, ...]
    names: tuple[str, ...]
    edges: tuple[tuple[str, tuple[str, ...], str], ...] = ()

    @classmethod
    def from_edges(cls, edges: tuple[tuple[str, tuple[str, ...], str], ...]) -> CycleError:
        cells = tuple(src for src, _, _ in edges)
        names = tuple(sorted({n for _, ns, _ in edges for n in ns}))
        return cls(cells=cells, names=names, edges=edges)

    @property
    def message(self) -> str:
        if self.edges:
            path = " -> ".join(f"{src} --({', '.join(ns)})" for src, ns, _ in self.edges)
            return f"cells depend on each other in a cycle: {path} -> {self.cells[0]}"
        return f"cells depend on each other in a cycle: {' -> '.join(self.cells)} (names: {', '.join(self.names)})"


@dataclass(frozen=True)
class OrderViolation:
    """``cell`` reads ``names`` defined by ``defined_by``, which come later in display order."""

    cell: str
    names: tuple[str, ...]
    defined_by: tuple[str, ...]
