"""Graph errors: what the UI shows on a cell the runtime refuses to run.

Errors are plain values (not raised): the graph keeps them per cell, and the
runtime turns them into ``CellError``s. Each message names the *other* cells
involved so the user can find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GraphError:
    """Base class: a reason a cell cannot run, with a one-line human message."""

    message: str


@dataclass(frozen=True)
class MultipleDefinitionError(GraphError):
    """``name`` is also defined by ``cells`` (the other definers, not this cell)."""

    name: str = ""
    cells: tuple[str, ...] = ()

    @classmethod
    def build(cls, name: str, cells: tuple[str, ...]) -> "MultipleDefinitionError":
        """Make the error with its standard message."""
        others = ", ".join(cells)
        plural = "cells" if len(cells) > 1 else "cell"
        message = (
            f"'{name}' is also defined by {plural} {others}; a global name may be "
            f"defined by one cell only (merge the cells, rename one, or prefix it "
            f"with _ to keep it private)"
        )
        return cls(message=message, name=name, cells=cells)


@dataclass(frozen=True)
class CycleError(GraphError):
    """The cell is on a dependency cycle.

    ``cells`` lists the cycle in order starting at this cell; ``edges`` gives
    ``(from_cell, names, to_cell)`` for each step, ``names`` all names involved.
    """

    cells: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    edges: tuple[tuple[str, tuple[str, ...], str], ...] = field(default=())

    @classmethod
    def build(
        cls, edges: tuple[tuple[str, tuple[str, ...], str], ...]
    ) -> "CycleError":
        """Make the error from the ordered cycle edges."""
        cells = tuple(src for src, _, _ in edges)
        names = tuple(sorted({n for _, ns, _ in edges for n in ns}))
        path = " -> ".join(f"{src} --({', '.join(ns)})" for src, ns, _ in edges)
        message = f"cells depend on each other in a cycle: {path} -> {cells[0]}"
        return cls(message=message, cells=cells, names=names, edges=edges)


@dataclass(frozen=True)
class OrderViolation:
    """``cell`` reads ``names`` defined by ``defined_by``, which come later in display order."""

    cell: str
    names: tuple[str, ...]
    defined_by: tuple[str, ...]
