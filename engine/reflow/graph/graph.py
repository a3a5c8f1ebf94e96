"""DataflowGraph: cells as nodes, "reads a name another cell binds" as edges.

Updates are incremental and near-linear: each name is looked up in the name
indexes (definers, mutators, readers, deleters) instead of scanning other cells.
Errors (undefined-above reads, cycles; multiple definitions in strict mode) are
derived lazily and cached until the next change, so loading N cells costs
O(total names) plus one O(V + E) pass.

Redefinition semantics (DESIGN.md "Reactive semantics"):

* A name with one definer and no mutator in another cell is **order-free**: its
  readers depend on the definer wherever it is (edges definer -> reader).
* Otherwise the name is a **chain**: its members are its definers, the cells
  that mutate it in place (``CellAnalysis.mutations``) and the cells that ``del``
  it, ordered by display order. A reader (including a member that reads it, like
  ``x = x + 1`` or ``x[0] = 1``) reads the nearest member strictly above it: a data
  edge provider -> reader. No member above: ``UndefinedAboveError``. Order-only
  edges keep the versions apart: each reader of a version runs before the next
  member (write-after-read) and each member before the next (write-after-write).
  Chain edges are rebuilt per name, lazily, when a member, a reader or the display
  order changes (only chain names are rebuilt).
* ``strict=True`` restores the one-definer rule: a second definer is a
  ``MultipleDefinitionError`` and mutations are ordinary reads.

Deferred reads (the graph's choice; Python's own rule at call time): a name a cell
reads only inside function or lambda bodies (``CellAnalysis.deferred_refs``; not
in defaults, decorators or class bodies, which run at once) is looked up when the
function is *called*, so it never makes the defining cell an error or an order
violation, nor a cycle with a definer below that calls the function:

* a writer of the name above the cell (the definer of an order-free name, the
  nearest member of a chain): a data edge writer -> cell, as for any read (a chain
  adds write-after-read order to the next member);
* no writer above (the name is defined only further down): no edge into the cell,
  no error; a call before the definition fails with Python's ``NameError``. Such
  reads are the cell's ``late_reads``: the runtime hides those names while the cell
  runs, so a call at its top level fails as in a fresh run even after the definer
  below has run.

Callers bind them: a cell that reads a name from a cell whose functions read
globals (it may call them) reads those globals too, at its own position -- a data
edge from each one's writer nearest above the caller (none above: it is one of the
caller's ``late_reads``) -- and so on through the cells defining the functions those
bodies name (``g`` calling ``f``). Editing a writer thus re-runs the callers below
it, as a fresh run would give them the new value.
These edges are rebuilt lazily, as a whole, after any change; the cost is the
deferred reads and the callers' closures, plus one pass over the cells.

``del x`` of an order-free name (the graph's choice): a cell that deletes a
global it does not define (1) reads ``x`` -- it runs after x's definer -- and (2)
runs after every other cell that reads ``x``, so readers never see ``x`` vanish
under them. Two cells deleting the same foreign name make it a chain (display order decides
which deletes it first). A cell that defines and then deletes its own name has no extra edges. In a
chain, a deleting cell is a member like any writer.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

from . import ordering
from .cycles import cycle_errors
from .definitions import NameIndex
from .errors import CycleError, GraphError, MultipleDefinitionError, OrderViolation, UndefinedAboveError
from .topology import Topology

if TYPE_CHECKING:  # pragma: no cover
    from reflow.analysis import CellAnalysis

_UNPLACED = 1 << 60  # display index of cells not in the display order
_NONE: frozenset[str] = frozenset()


class _Analysis(Protocol):
    defs: frozenset[str]
    refs: frozenset[str]
    deleted: frozenset[str]


class _Node:
    """What the graph remembers about one cell: the names it links by."""

    __slots__ = ("analysis", "body", "deferred", "defs", "deletes", "maybe", "mutates", "refs", "runs", "writes_")

    def __init__(self, analysis: CellAnalysis | _Analysis, strict: bool) -> None:
        self.analysis = analysis
        self.defs = frozenset(analysis.defs)
        deleted = frozenset(getattr(analysis, "deleted", ()) or ())
        self.deletes = deleted - self.defs  # foreign names this cell deletes
        # Cells mutating a name they do not bind join its chain (never in strict mode).
        mutations = frozenset(getattr(analysis, "mutations", ()) or ())
        self.mutates = frozenset() if strict else mutations - self.defs
        # Builtins a cell reads link it to a cell that shadows them (filter = ...).
        builtins = frozenset(getattr(analysis, "builtin_refs", ()) or ())
        # Reads only inside function bodies: linked lazily by position ("Deferred reads").
        deferred: frozenset[str] = getattr(analysis, "deferred_refs", None) or _NONE
        # Defs bound on some paths only read the previous version (linked like deferred
        # reads: by position, no error when there is none; never passed on to callers).
        maybe: frozenset[str] = getattr(analysis, "maybe_defs", None) or _NONE
        refs = frozenset(analysis.refs)
        if deferred or maybe:
            self.maybe = maybe - deferred
            self.deferred = (deferred | maybe) - self.deletes - self.mutates  # may hold own defs (a = f())
            refs = refs - self.deferred
        else:
            self.maybe = self.deferred = _NONE
        # What its functions read, eager reads of the cell included: passed on to the callers.
        body: frozenset[str] = getattr(analysis, "body_refs", None) or deferred
        self.body = body - self.deletes - self.mutates if body else _NONE
        self.refs = refs | self.deletes | builtins | self.mutates
        self.writes_ = self.defs | self.mutates | self.deletes  # names whose binding or object it changes
        self.runs = getattr(analysis, "error", None) is None  # analysable: may execute

    def writes(self) -> frozenset[str]:
        """Names whose binding (or object) running this cell changes."""
        return self.writes_


class DataflowGraph:
    """The notebook's dependency graph; see the module doc for the rules."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self._nodes: dict[str, _Node] = {}
        self._topology = Topology()
        self._definers = NameIndex()
        self._readers = NameIndex()
        self._deleters = NameIndex()
        self._mutators = NameIndex()  # cells mutating a name they do not define
        self._deferred_readers = NameIndex()  # cells reading a name only in function bodies
        self._with_bodies: set[str] = set()  # cells whose functions read globals (their callers read them too)
        self._deferred_edges: set[tuple[str, str, str, bool]] = set()  # (parent, child, name, is_data)
        self._deferred_dirty = False
        self._unlinked: set[str] = set()  # cells whose edges left the topology since the last rebuild
        self._late: dict[str, set[str]] = {}  # cell -> deferred reads with no writer above it
        self._multiply_defined: set[str] = set()  # strict mode only
        self._chains: set[str] = set()  # names whose edges follow display order
        self._chain_edges: dict[str, list[tuple[str, str, bool]]] = {}  # name -> (parent, child, is_data)
        self._undefined: dict[str, dict[str, UndefinedAboveError]] = {}  # name -> reader -> error
        self._dirty: set[str] = set()  # chain names whose edges need a rebuild
        self._old_inputs: dict[str, dict[str, str | None]] = {}  # name -> readers' providers before a switch
        self._rebound: set[str] = set()  # readers whose provider of some name changed
        self._display: dict[str, int] = {}
        self._seq: dict[str, int] = {}
        self._next_seq = 0
        self._errors: dict[str, list[GraphError]] | None = None

    # ----- updates ---------------------------------------------------------
    def set_cell(self, cell_id: str, analysis: CellAnalysis) -> None:
        """Add or replace a cell; cost is proportional to its names and edges."""
        old = self._nodes.get(cell_id)
        if old is not None:
            self._unlink(cell_id)
        else:
            self._seq[cell_id] = self._next_seq
            self._next_seq += 1
        node = _Node(analysis, self.strict)
        self._nodes[cell_id] = node
        topo = self._topology
        topo.add_node(cell_id)
        self._definers.add(cell_id, node.defs)
        self._readers.add(cell_id, node.refs)
        self._deleters.add(cell_id, node.deletes)
        self._mutators.add(cell_id, node.mutates)
        self._deferred_readers.add(cell_id, node.deferred)
        if node.body:
            self._with_bodies.add(cell_id)
        self._touch_deferred()
        if self.strict:
            for name in node.defs:
                if self._definers.count(name) > 1:
                    self._multiply_defined.add(name)
        touched = node.defs | node.mutates | node.deletes
        if old is not None:
            touched |= old.defs | old.mutates | old.deletes
        self._update_chains(touched)
        chains = self._chains
        for name in node.defs:
            if name in chains:
                continue
            for reader in self._readers.get(name):
                topo.add_edge(cell_id, reader, name)
        for name in node.refs:
            if name in chains:
                continue
            for definer in self._definers.get(name):
                topo.add_edge(definer, cell_id, name)
        for name in node.deletes:
            if name in chains:
                continue
            deleters = self._deleters.get(name)
            for reader in self._readers.get(name):
                if reader not in deleters:
                    topo.add_edge(reader, cell_id, name)
        for name in node.refs - node.deletes:
            if name in chains:
                continue
            for deleter in self._deleters.get(name):
                topo.add_edge(cell_id, deleter, name)
        if chains:
            self._mark_dirty(node, old)
        self._errors = None

    def remove_cell(self, cell_id: str) -> None:
        """Forget a cell and its edges; errors it caused heal."""
        old = self._nodes.get(cell_id)
        if old is None:
            return
        self._unlink(cell_id)
        del self._nodes[cell_id]
        del self._seq[cell_id]
        self._update_chains(old.defs | old.mutates | old.deletes)
        if self._chains:
            self._mark_dirty(old, None)
        self._touch_deferred()
        self._errors = None

    def _unlink(self, cell_id: str) -> None:
        node = self._nodes[cell_id]
        self._topology.remove_node(cell_id)
        self._definers.remove(cell_id, node.defs)
        self._readers.remove(cell_id, node.refs)
        self._deleters.remove(cell_id, node.deletes)
        self._mutators.remove(cell_id, node.mutates)
        self._deferred_readers.remove(cell_id, node.deferred)
        self._with_bodies.discard(cell_id)
        self._unlinked.add(cell_id)
        for name in node.defs:
            if self._definers.count(name) < 2:
                self._multiply_defined.discard(name)

    def set_display_order(self, cell_ids: Sequence[str]) -> frozenset[str]:
        """Display order: breaks ties, and orders every chain.

        Ids not (yet) in the graph are allowed. Returns ``take_rebound()``: the cells
        that now read a name from another cell than before (or lost or gained an
        undefined-above error). Only chain names are rebuilt, so the cost is that
        of the chains, not of the notebook.
        """
        self._display = {c: i for i, c in enumerate(cell_ids)}
        self._errors = None  # messages list cells in display order
        self._dirty |= self._chains
        self._touch_deferred()
        return self.take_rebound()

    def take_rebound(self) -> frozenset[str]:
        """Cells re-bound since the last call: a name they read now comes from another
        cell (or from none), because a chain formed, dissolved, changed members or
        display order. They must re-run or turn stale, although no ancestor ran.
        Changes through cells that are themselves edited show as descendants instead.
        """
        self._flush()
        rebound, self._rebound = self._rebound, set()
        return frozenset(c for c in rebound if c in self._nodes)

    def set_strict(self, strict: bool) -> None:
        """Switch between redefinition semantics and the one-definer rule (rebuilds)."""
        if strict == self.strict:
            return
        nodes = sorted(self._nodes.items(), key=lambda item: self._seq[item[0]])
        display = sorted(self._display, key=self._display.__getitem__)
        self.__init__(strict)  # type: ignore[misc]
        for cell_id, node in nodes:
            self.set_cell(cell_id, node.analysis)  # type: ignore[arg-type]
        self.set_display_order(display)

    # ----- chains ------------------------------------------------------------
    def _is_chain(self, name: str) -> bool:
        if self.strict:
            return False
        definers = self._definers.count(name)
        # Two cells deleting one name: only display order can say which deletes it first.
        return definers > 0 and (definers + self._mutators.count(name) > 1 or self._deleters.count(name) > 1)

    def _update_chains(self, names: Iterable[str]) -> None:
        """Switch names between order-free and chain edges when their writers change."""
        for name in names:
            now = self._is_chain(name)
            if now == (name in self._chains):
                continue
            if now:
                self._old_inputs.setdefault(name, self._free_inputs(name))
                self._free_edges(name, add=False)
                self._chains.add(name)
                self._dirty.add(name)
            else:
                old = self._old_inputs.pop(name, None)
                if old is None:
                    old = self._recorded_inputs(name)
                self._drop_chain(name)
                self._chains.discard(name)
                self._free_edges(name, add=True)
                self._note_rebound(old, self._free_inputs(name))

    def _free_edges(self, name: str, add: bool) -> None:
        """Add or remove every order-free edge of ``name`` (definer -> reader, reader -> deleter)."""
        topo = self._topology
        edge = topo.add_edge if add else topo.remove_edge
        readers = self._readers.get(name)
        for definer in self._definers.get(name):
            for reader in readers:
                edge(definer, reader, name)
        deleters = self._deleters.get(name)
        for deleter in deleters:
            for reader in readers:
                if reader not in deleters:
                    edge(reader, deleter, name)

    def _free_inputs(self, name: str) -> dict[str, str | None]:
        """Reader -> provider of an order-free name, as the edges stand now."""
        parents = self._topology.parents
        inputs: dict[str, str | None] = {}
        for reader in self._readers.get(name):
            for parent, names in parents(reader).items():
                if name in names:
                    inputs[reader] = parent
        return inputs

    def _recorded_inputs(self, name: str) -> dict[str, str | None]:
        """Reader -> provider (None: undefined above) of a chain name, as last built."""
        inputs: dict[str, str | None] = {c: p for p, c, data in self._chain_edges.get(name, ()) if data}
        inputs.update(dict.fromkeys(self._undefined.get(name, {}), None))
        return inputs

    def _note_rebound(self, old: Mapping[str, str | None], new: Mapping[str, str | None]) -> None:
        missing = object()
        for reader in old.keys() | new.keys():
            if old.get(reader, missing) != new.get(reader, missing):
                self._rebound.add(reader)

    def _mark_dirty(self, node: _Node, old: _Node | None) -> None:
        chains = self._chains
        names = node.refs | node.defs | node.mutates | node.deletes
        if old is not None:
            names |= old.refs | old.defs | old.mutates | old.deletes
        self._dirty.update(n for n in names if n in chains)

    def _drop_chain(self, name: str) -> None:
        topo = self._topology
        for parent, child, data in self._chain_edges.pop(name, ()):
            if data:
                topo.remove_edge(parent, child, name)
            else:
                topo.remove_order_edge(parent, child, name)
        self._undefined.pop(name, None)
        self._dirty.discard(name)

    def _flush(self) -> None:
        """Rebuild the edges of chain names changed since the last query, then deferred reads."""
        if self._dirty:
            dirty, self._dirty = self._dirty, set()
            for name in dirty:
                if name in self._chains:
                    self._rebuild_chain(name)
            self._errors = None
        if self._deferred_dirty:
            self._rebuild_deferred()
            self._errors = None

    # ----- deferred reads (module doc, "Deferred reads") -----------------------
    def _touch_deferred(self) -> None:
        if self._deferred_edges or self._late or len(self._deferred_readers) or self._with_bodies:
            self._deferred_dirty = True
        elif self._unlinked:
            self._unlinked.clear()

    def _writers_in_order(self, name: str) -> tuple[list[str], list[tuple[int, int]]]:
        """The cells a deferred read of ``name`` can bind to, in display order, and their keys."""
        writers = self._definers.get(name)
        if name in self._chains:
            writers = writers | self._mutators.get(name) | self._deleters.get(name)
        ordered = sorted(writers, key=self._key)
        return ordered, [self._key(c) for c in ordered]

    def _rebuild_deferred(self) -> None:
        self._deferred_dirty = False
        topo = self._topology
        gone, self._unlinked = self._unlinked, set()
        old = self._deferred_edges
        for parent, child, name, data in old:
            if parent in gone or child in gone:
                continue  # already left the topology with the cell
            if data:
                topo.remove_edge(parent, child, name)
            else:
                topo.remove_order_edge(parent, child, name)
        writers: dict[str, tuple[list[str], list[tuple[int, int]]]] = {}

        def writers_of(name: str) -> tuple[list[str], list[tuple[int, int]]]:
            found = writers.get(name)
            if found is None:
                found = writers[name] = self._writers_in_order(name)
            return found

        key = self._key
        chains = self._chains
        new: set[tuple[str, str, str, bool]] = set()
        late: dict[str, set[str]] = {}
        after_readers: list[tuple[str, str]] = []  # (reader, deleted order-free name): deleters come after
        for name in list(self._deferred_readers.names()):
            ordered, keys = writers_of(name)
            if not ordered:
                continue  # defined nowhere (or a builtin): Python's NameError at call time
            for reader in self._deferred_readers.get(name):
                if name not in chains and reader in self._definers.get(name):
                    continue  # its own order-free name: its callers depend on it anyway
                index = bisect_left(keys, key(reader))
                if index == 0:
                    late.setdefault(reader, set()).add(name)
                    continue
                new.add((ordered[index - 1], reader, name, True))
                if name not in chains and self._deleters.count(name):
                    after_readers.append((reader, name))
                if name in chains and index < len(ordered) and ordered[index] != reader:
                    new.add((reader, ordered[index], name, False))  # a member's next one has WAW
        # cells whose function bodies read globals
        functions = [c for c in self._nodes if c in self._with_bodies]
        self._bind_at_callers(functions, writers_of, new, late, after_readers)
        for parent, child, name, data in new:
            if data:
                topo.add_edge(parent, child, name)
            else:
                topo.add_order_edge(parent, child, name)
        self._deleters_after_deferred_readers(after_readers, new)
        self._deferred_edges = new
        old_late, self._late = self._late, late
        self._rebound.update(c for c in old_late.keys() | late.keys() if old_late.get(c) != late.get(c))
        before = {(p, c, n) for p, c, n, data in old if data}
        after = {(p, c, n) for p, c, n, data in new if data}
        self._rebound.update(c for _, c, _ in before ^ after)

    def _bind_at_callers(
        self,
        functions: list[str],
        writers_of: Callable[[str], tuple[list[str], list[tuple[int, int]]]],
        new: set[tuple[str, str, str, bool]],
        late: dict[str, set[str]],
        after_readers: list[tuple[str, str]],
    ) -> None:
        """A cell that reads a name from a cell whose functions read globals (a caller) reads
        those globals too, at its own position, and so on through the functions they name."""
        nodes = self._nodes
        key = self._key
        with_bodies = set(functions)
        callers: set[str] = set()
        for function in functions:
            for child, names in self._topology.children(function).items():
                if names & nodes[function].defs:
                    callers.add(child)
        for caller in callers:
            node = nodes[caller]
            position = key(caller)
            todo = [p for p in self._topology.parents(caller) if p in with_bodies]  # eager reads only, here
            seen: set[str] = set()
            while todo:
                provider = todo.pop()
                if provider in seen:
                    continue
                seen.add(provider)
                for name in nodes[provider].body:
                    if name in node.refs or name in node.deferred:
                        continue  # it reads the name itself
                    ordered, keys = writers_of(name)
                    if not ordered:
                        continue
                    index = bisect_left(keys, position)
                    if index == 0:
                        if name not in self._chains and ordered[0] == provider:
                            if self._deleters.count(name):  # the runtime must know who provides it
                                after_readers.append((caller, name))
                                new.add((provider, caller, name, True))
                            continue  # the function's own order-free name: it runs before the caller
                        late.setdefault(caller, set()).add(name)  # a fresh run has not bound it yet here
                        continue
                    writer = ordered[index - 1]
                    deleted = name not in self._chains and self._deleters.count(name) > 0
                    if deleted:
                        after_readers.append((caller, name))
                    # else writer -> provider -> caller already, but a deleted name's provider is
                    # named (the runtime restores the version a re-run caller needs after a `del`)
                    if name in self._chains or key(writer) > key(provider) or deleted:
                        new.add((writer, caller, name, True))
                    if writer in with_bodies:
                        todo.append(writer)

    def _deleters_after_deferred_readers(
        self, after_readers: list[tuple[str, str]], new: set[tuple[str, str, str, bool]]
    ) -> None:
        """``del x`` of an order-free name runs after every cell reading ``x`` (module doc),
        deferred readers and callers included, unless that would make a cycle (the deleter
        already runs before the reader): then Python's NameError at call time stands."""
        topo = self._topology
        for reader, name in after_readers:
            for deleter in self._deleters.get(name):
                if deleter == reader or deleter in topo.reach([reader], forward=False, order=True):
                    continue  # the deleter runs before the reader already (an edge or a path)
                topo.add_order_edge(reader, deleter, name)
                new.add((reader, deleter, name, False))

    def _rebuild_chain(self, name: str) -> None:
        old = self._old_inputs.pop(name, None)
        if old is None:
            old = self._recorded_inputs(name)
        self._drop_chain(name)
        topo = self._topology
        key = self._key
        definers = self._definers.get(name)
        members = sorted(definers | self._mutators.get(name) | self._deleters.get(name), key=key)
        keys = [key(m) for m in members]
        readers = self._readers.get(name)
        edges: list[tuple[str, str, bool]] = []
        undefined: dict[str, UndefinedAboveError] = {}
        for previous, member in pairwise(members):
            if member not in readers:  # write-after-write (a reading member gets a data edge)
                topo.add_order_edge(previous, member, name)
                edges.append((previous, member, False))
        for reader in readers:
            index = bisect_left(keys, key(reader))
            if index == 0:
                below = tuple(m for m in members if m in definers and m != reader)
                undefined[reader] = UndefinedAboveError(name, below)
                continue
            provider = members[index - 1]
            topo.add_edge(provider, reader, name)
            edges.append((provider, reader, True))
            if index < len(members) and members[index] != reader:  # write-after-read
                topo.add_order_edge(reader, members[index], name)
                edges.append((reader, members[index], False))
        self._chain_edges[name] = edges
        if undefined:
            self._undefined[name] = undefined
        self._note_rebound(old, self._recorded_inputs(name))

    # ----- queries ---------------------------------------------------------
    def __contains__(self, cell_id: object) -> bool:
        return cell_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def cells(self) -> list[str]:
        """All cells, in display order (unplaced ones last, by insertion)."""
        return sorted(self._nodes, key=self._key)

    def analysis(self, cell_id: str) -> CellAnalysis:
        return self._nodes[cell_id].analysis  # type: ignore[return-value]

    def parents(self, cell_id: str) -> frozenset[str]:
        self._flush()
        return frozenset(self._topology.parents(cell_id))

    def children(self, cell_id: str) -> frozenset[str]:
        self._flush()
        return frozenset(self._topology.children(cell_id))

    def edge_names(self, parent: str, child: str) -> frozenset[str]:
        """Names that make ``child`` depend on ``parent`` (data edges)."""
        self._flush()
        return frozenset(self._topology.edge_names(parent, child))

    def inputs(self, cell_id: str) -> Mapping[str, str]:
        """Name -> the cell whose binding ``cell_id`` reads (its provider)."""
        self._flush()
        return {name: parent for parent, names in self._topology.parents(cell_id).items() for name in names}

    def order_parents(self, cell_id: str) -> frozenset[str]:
        """Cells that must run before ``cell_id`` without it reading their values."""
        self._flush()
        return frozenset(self._topology.order_parents(cell_id))

    def order_children(self, cell_id: str) -> frozenset[str]:
        self._flush()
        return frozenset(self._topology.order_children(cell_id))

    def ancestors(self, cell_id: str) -> set[str]:
        self._flush()
        return self._topology.reach([cell_id], forward=False) - {cell_id}

    def descendants(self, cell_id: str) -> set[str]:
        self._flush()
        return self._topology.reach([cell_id], forward=True) - {cell_id}

    def descendants_of(self, cell_ids: Iterable[str]) -> set[str]:
        """Union of descendants of many cells in one pass (data edges: what re-runs)."""
        self._flush()
        return self._topology.reach(cell_ids, forward=True)

    def ancestors_of(self, cell_ids: Iterable[str]) -> set[str]:
        """Union of ancestors of many cells in one pass."""
        self._flush()
        return self._topology.reach(cell_ids, forward=False)

    def definers(self, name: str) -> frozenset[str]:
        return frozenset(self._definers.get(name))

    def mutators(self, name: str) -> frozenset[str]:
        """Cells mutating ``name`` in place without defining it (empty in strict mode)."""
        return frozenset(self._mutators.get(name))

    def deleters(self, name: str) -> frozenset[str]:
        """Cells deleting ``name`` (a global they do not define) at top level."""
        return frozenset(self._deleters.get(name))

    def readers(self, name: str) -> frozenset[str]:
        """Cells that read ``name`` (including cells deleting or mutating it, and cells whose
        functions read it)."""
        return frozenset(self._readers.get(name) | self._deferred_readers.get(name))

    def writes(self, cell_id: str) -> frozenset[str]:
        """Names the cell binds, mutates in place or deletes."""
        return self._nodes[cell_id].writes_

    def run_view(self, cell_id: str) -> tuple[Mapping[str, set[str]], frozenset[str], bool]:
        """For the planner's hot loop: (provider -> names read from it, names written,
        analysable). The mapping is the graph's own: do not mutate it."""
        self._flush()
        node = self._nodes[cell_id]
        return self._topology.parents(cell_id), node.writes_, node.runs

    def late_reads(self, cell_id: str) -> frozenset[str]:
        """Names the cell's functions (or functions it calls) read that no cell above it
        writes: a fresh top-to-bottom run has not bound them yet when the cell runs, so the
        runtime hides them while it runs (module doc, "Deferred reads")."""
        self._flush()
        return frozenset(self._late.get(cell_id, ()))

    def is_chain(self, name: str) -> bool:
        return name in self._chains

    def chain_names(self) -> frozenset[str]:
        return frozenset(self._chains)

    def chain(self, name: str) -> list[str]:
        """A chain's members (definers, mutators, deleters) in display order; [] if order-free."""
        if name not in self._chains:
            return []
        members = self._definers.get(name) | self._mutators.get(name) | self._deleters.get(name)
        return sorted(members, key=self._key)

    def final_writer(self, name: str) -> str | None:
        """The cell whose write of ``name`` a top-to-bottom run leaves in the namespace.

        Chains: the last member. Order-free names: the definer, or when cells delete
        the name (they run after every reader) the last of them in display order;
        None when several cells define it (strict mode) or none does.
        """
        if name in self._chains:
            return max(self._definers.get(name) | self._mutators.get(name) | self._deleters.get(name), key=self._key)
        definers = self._definers.get(name)
        if len(definers) != 1:
            return None
        if self._deleters.count(name):  # deleters run after every reader: one of them ends it
            return max(self._deleters.get(name), key=self._key)
        for definer in definers:
            return definer
        return None  # pragma: no cover - len checked above

    def errors(self) -> dict[str, list[GraphError]]:
        """Per cell: multiple definitions (strict) or undefined-above reads, by name; then a cycle."""
        self._flush()
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
        for name in sorted(self._undefined):
            for cell, undefined in self._undefined[name].items():
                result.setdefault(cell, []).append(undefined)
        for cell, error in cycle_errors(self._topology, self._key).items():
            result.setdefault(cell, []).append(error)
        return result

    def cycles(self) -> list[CycleError]:
        """One error per cycle member (each naming a cycle through it)."""
        return [e for errs in self.errors().values() for e in errs if isinstance(e, CycleError)]

    def topological_order(self, cell_ids: Iterable[str]) -> list[str]:
        """``cell_ids`` ordered by (transitive) dependencies and chain order, ties by display order."""
        self._flush()
        return ordering.topological_order(self._topology, cell_ids, self._key)

    def execution_order(self) -> list[str]:
        """The whole notebook in a valid order; display order where it is valid."""
        self._flush()
        return ordering.execution_order(self._topology, self._key)

    def display_order_violations(self) -> list[OrderViolation]:
        """Cells that read order-free names defined further down (so ``python nb.py`` fails).

        Chain names cannot cause one: a chain reader reads from above by construction.
        """
        self._flush()
        return ordering.display_order_violations(self._topology, self._key)

    def _key(self, cell_id: str) -> tuple[int, int]:
        return (self._display.get(cell_id, _UNPLACED), self._seq.get(cell_id, 0))
