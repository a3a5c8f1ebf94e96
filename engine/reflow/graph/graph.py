"""DataflowGraph: cells as nodes, "reads a name another cell defines" as edges.

Updates are incremental and near-linear: each name is looked up in the name
indexes (definers, readers, deleters) instead of scanning other cells. Errors
(multiple definitions, cycles) are derived lazily and cached until the next
change, so loading N cells costs O(total names) plus one O(V + E) pass.

``del x`` semantics (the graph's choice): a cell that deletes a global it does
not define (1) reads ``x`` -- it runs after x's definer -- and (2) runs after
every other cell that reads ``x``, so readers never see ``x`` vanish under them.
Two cells deleting the same foreign name are not ordered against each other.
A cell that defines and then deletes its own name has no extra edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from . import ordering
from .cycles import cycle_errors
from .definitions import NameIndex
from .errors import CycleError, GraphError, MultipleDefinitionError, OrderViolation
from .topology import Topology

if TYPE_CHECKING:  # pragma: no cover
    from reflow.analysis import CellAnalysis

_UNPLACED = 1 << 60  # display index of cells not in the display order


class _Analysis(Protocol):
    defs: frozenset[str]
    refs: frozenset[str]
    deleted: frozenset[str]


class _Node:
    """What the graph remembers about one cell: the names it links by."""

    __slots__ = ("defs", "refs", "deletes", "analysis")

    def __init__(self, analysis: "CellAnalysis | _Analysis") -> None:
        self.analysis = analysis
        self.defs = frozenset(analysis.defs)
        deleted = frozenset(getattr(analysis, "deleted", ()) or ())
        self.deletes = deleted - self.defs  # foreign names this cell deletes
        # Builtins a cell reads link it to a cell that shadows them (filter = ...).
        builtins = frozenset(getattr(analysis, "builtin_refs", ()) or ())
        self.refs = frozenset(analysis.refs) | self.deletes | builtins


class DataflowGraph:
    """The notebook's dependency graph; see the module doc for the rules."""

    def __init__(self) -> None:
        self._nodes: dict[str, _Node] = {}
        self._topology = Topology()
        self._definers = NameIndex()
        self._readers = NameIndex()
        self._deleters = NameIndex()
        self._multiply_defined: set[str] = set()
        self._display: dict[str, int] = {}
        self._seq: dict[str, int] = {}
        self._next_seq = 0
        self._errors: dict[str, list[GraphError]] | None = None

    # ----- updates ---------------------------------------------------------
    def set_cell(self, cell_id: str, analysis: "CellAnalysis") -> None:
        """Add or replace a cell; cost is proportional to its names and edges."""
        if cell_id in self._nodes:
            self._unlink(cell_id)
        else:
            self._seq[cell_id] = self._next_seq
            self._next_seq += 1
        node = _Node(analysis)
        self._nodes[cell_id] = node
        topo = self._topology
        topo.add_node(cell_id)
        self._definers.add(cell_id, node.defs)
        self._readers.add(cell_id, node.refs)
        self._deleters.add(cell_id, node.deletes)
        for name in node.defs:
            if self._definers.count(name) > 1:
                self._multiply_defined.add(name)
            for reader in self._readers.get(name):
                topo.add_edge(cell_id, reader, name)
        for name in node.refs:
            for definer in self._definers.get(name):
                topo.add_edge(definer, cell_id, name)
        for name in node.deletes:
            deleters = self._deleters.get(name)
            for reader in self._readers.get(name):
                if reader not in deleters:
                    topo.add_edge(reader, cell_id, name)
        for name in node.refs - node.deletes:
            for deleter in self._deleters.get(name):
                topo.add_edge(cell_id, deleter, name)
        self._errors = None

    def remove_cell(self, cell_id: str) -> None:
        """Forget a cell and its edges; errors it caused heal."""
        if cell_id not in self._nodes:
            return
        self._unlink(cell_id)
        del self._nodes[cell_id]
        del self._seq[cell_id]
        self._errors = None

    def _unlink(self, cell_id: str) -> None:
        node = self._nodes[cell_id]
        self._topology.remove_node(cell_id)
        self._definers.remove(cell_id, node.defs)
        self._readers.remove(cell_id, node.refs)
        self._deleters.remove(cell_id, node.deletes)
        for name in node.defs:
            if self._definers.count(name) < 2:
                self._multiply_defined.discard(name)

    def set_display_order(self, cell_ids: Sequence[str]) -> None:
        """Display order breaks ties; ids not (yet) in the graph are allowed."""
        self._display = {c: i for i, c in enumerate(cell_ids)}
        self._errors = None  # messages list cells in display order

    # ----- queries ---------------------------------------------------------
    def __contains__(self, cell_id: object) -> bool:
        return cell_id in self._nodes

    def cells(self) -> list[str]:
        """All cells, in display order (unplaced ones last, by insertion)."""
        return sorted(self._nodes, key=self._key)

    def analysis(self, cell_id: str) -> "CellAnalysis":
        return self._nodes[cell_id].analysis  # type: ignore[return-value]

    def parents(self, cell_id: str) -> frozenset[str]:
        return frozenset(self._topology.parents(cell_id))

    def children(self, cell_id: str) -> frozenset[str]:
        return frozenset(self._topology.children(cell_id))

    def edge_names(self, parent: str, child: str) -> frozenset[str]:
        """Names that make ``child`` depend on ``parent``."""
        return frozenset(self._topology.edge_names(parent, child))

    def ancestors(self, cell_id: str) -> set[str]:
        return self._topology.reach([cell_id], forward=False) - {cell_id}

    def descendants(self, cell_id: str) -> set[str]:
        return self._topology.reach([cell_id], forward=True) - {cell_id}

    def descendants_of(self, cell_ids: Iterable[str]) -> set[str]:
        """Union of descendants of many cells in one pass."""
        return self._topology.reach(cell_ids, forward=True)

    def ancestors_of(self, cell_ids: Iterable[str]) -> set[str]:
        """Union of ancestors of many cells in one pass."""
        return self._topology.reach(cell_ids, forward=False)

    def definers(self, name: str) -> frozenset[str]:
        return frozenset(self._definers.get(name))

    def readers(self, name: str) -> frozenset[str]:
        """Cells that read ``name`` (including cells deleting it)."""
        return frozenset(self._readers.get(name))

    def errors(self) -> dict[str, list[GraphError]]:
        """Per cell: multiple definitions (sorted by name), then a cycle."""
        if self._errors is None:
            self._errors = self._compute_errors()
        return self._errors

    def _compute_errors(self) -> dict[str, list[GraphError]]:
        result: dict[str, list[GraphError]] = {}
        for name in sorted(self._multiply_defined):
            definers = sorted(self._definers.get(name), key=self._key)
            for cell in definers:
                others = tuple(c for c in definers if c != cell)
                result.setdefault(cell, []).append(MultipleDefinitionError(name, others))
        for cell, error in cycle_errors(self._topology, self._key).items():
            result.setdefault(cell, []).append(error)
        return result

    def cycles(self) -> list[CycleError]:
        """One error per cycle member (each naming a cycle through it)."""
        return [e for errs in self.errors().values() for e in errs if isinstance(e, CycleError)]

    def topological_order(self, cell_ids: Iterable[str]) -> list[str]:
        """``cell_ids`` ordered by (transitive) dependencies, ties by display order."""
        return ordering.topological_order(self._topology, cell_ids, self._key)

    def execution_order(self) -> list[str]:
        """The whole notebook in a valid order; display order where it is valid."""
        return ordering.execution_order(self._topology, self._key)

    def display_order_violations(self) -> list[OrderViolation]:
        """Cells that read names defined further down (so ``python nb.py`` fails)."""
        return ordering.display_order_violations(self._topology, self._key)

    def _key(self, cell_id: str) -> tuple[int, int]:
        return (self._display.get(cell_id, _UNPLACED), self._seq.get(cell_id, 0))
