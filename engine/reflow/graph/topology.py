"""Parent/child edges, each labelled with the names that create it.

Two kinds of edges:

* **data edges** (``add_edge``): the child reads a name the parent binds. They
  order runs *and* propagate re-runs (``reach``, descendants).
* **order-only edges** (``add_order_edge``): the child must run after the parent
  but does not depend on its value -- a redefinition must run after the cells that
  read the previous version (write-after-read) and after the previous definer
  (write-after-write). They order runs and take part in cycles, never in
  re-run propagation.

The labels are what error messages need ("b reads x from a"); the adjacency maps
make parents, children and removal O(degree).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable


class Topology:
    """Directed edges parent -> child with the set of names on each edge."""

    __slots__ = ("_children", "_ochildren", "_oparents", "_parents")

    def __init__(self) -> None:
        # child -> parent -> names, and parent -> child -> names (same sets).
        self._parents: dict[str, dict[str, set[str]]] = {}
        self._children: dict[str, dict[str, set[str]]] = {}
        # The same for order-only edges; entries exist only for nodes that have some.
        self._oparents: dict[str, dict[str, set[str]]] = {}
        self._ochildren: dict[str, dict[str, set[str]]] = {}

    def add_node(self, cell_id: str) -> None:
        self._parents.setdefault(cell_id, {})
        self._children.setdefault(cell_id, {})

    def add_edge(self, parent: str, child: str, name: str) -> None:
        if parent == child:
            return  # reading your own def (x = x + 1) is not a dependency
        names = self._children[parent].get(child)
        if names is None:
            names = set()
            self._children[parent][child] = names
            self._parents[child][parent] = names
        names.add(name)

    def remove_edge(self, parent: str, child: str, name: str) -> None:
        """Drop one label of a data edge (the edge goes with its last label)."""
        _drop(self._children, self._parents, parent, child, name)

    def add_order_edge(self, parent: str, child: str, name: str) -> None:
        if parent == child or parent not in self._parents or child not in self._parents:
            return
        names = self._ochildren.setdefault(parent, {}).get(child)
        if names is None:
            names = set()
            self._ochildren[parent][child] = names
            self._oparents.setdefault(child, {})[parent] = names
        names.add(name)

    def remove_order_edge(self, parent: str, child: str, name: str) -> None:
        _drop(self._ochildren, self._oparents, parent, child, name)

    def remove_node(self, cell_id: str) -> None:
        """Remove a node and every edge touching it."""
        for parent in self._parents.pop(cell_id, {}):
            self._children[parent].pop(cell_id, None)
        for child in self._children.pop(cell_id, {}):
            self._parents[child].pop(cell_id, None)
        for parent in self._oparents.pop(cell_id, {}):
            self._ochildren[parent].pop(cell_id, None)
        for child in self._ochildren.pop(cell_id, {}):
            self._oparents[child].pop(cell_id, None)

    def nodes(self) -> Iterable[str]:
        return self._parents.keys()

    def __contains__(self, cell_id: object) -> bool:
        return cell_id in self._parents

    def parents(self, cell_id: str) -> dict[str, set[str]]:
        """Data parents (cells whose values this cell reads) -> names."""
        return self._parents.get(cell_id, {})

    def children(self, cell_id: str) -> dict[str, set[str]]:
        """Data children -> names."""
        return self._children.get(cell_id, {})

    def order_parents(self, cell_id: str) -> dict[str, set[str]]:
        return self._oparents.get(cell_id, {})

    def order_children(self, cell_id: str) -> dict[str, set[str]]:
        return self._ochildren.get(cell_id, {})

    def edge_names(self, parent: str, child: str) -> set[str]:
        return self._children.get(parent, {}).get(child, set())

    def all_edge_names(self, parent: str, child: str) -> set[str]:
        """Names of the data and the order-only edge parent -> child."""
        order = self._ochildren.get(parent, {}).get(child)
        data = self.edge_names(parent, child)
        return data | order if order else data

    def successors(self, cell_id: str) -> Collection[str]:
        """Children through both kinds of edges, each once (the data map itself when there
        are no order-only edges: the common case stays as cheap as before)."""
        data = self._children.get(cell_id, _NONE)
        order = self._ochildren.get(cell_id)
        if not order:
            return data
        return [*data, *(c for c in order if c not in data)]

    def predecessors(self, cell_id: str) -> Collection[str]:
        data = self._parents.get(cell_id, _NONE)
        order = self._oparents.get(cell_id)
        if not order:
            return data
        return [*data, *(p for p in order if p not in data)]

    def has_order_edges(self) -> bool:
        return any(self._ochildren.values())

    def reach(self, starts: Iterable[str], forward: bool, order: bool = False) -> set[str]:
        """Cells reachable from ``starts`` (excluding the starts unless on a cycle).

        Data edges only by default (re-run propagation); ``order=True`` follows
        order-only edges too (what must run before/after).
        """
        if order and self.has_order_edges():
            step = self.successors if forward else self.predecessors
            seen: set[str] = set()
            queue = deque(starts)
            while queue:
                node = queue.popleft()
                for nxt in step(node):
                    if nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
            return seen
        adjacency = self._children if forward else self._parents
        seen = set()
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            for nxt in adjacency.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


_NONE: dict[str, set[str]] = {}


def _drop(
    children: dict[str, dict[str, set[str]]],
    parents: dict[str, dict[str, set[str]]],
    parent: str,
    child: str,
    name: str,
) -> None:
    names = children.get(parent, {}).get(child)
    if names is None:
        return
    names.discard(name)
    if not names:
        del children[parent][child]
        parents_of_child = parents.get(child)
        if parents_of_child is not None:
            parents_of_child.pop(parent, None)
