"""Parent/child edges, each labelled with the names that create it.

The labels are what error messages need ("b reads x from a"); the two
adjacency maps make parents, children and removal O(degree).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class Topology:
    """Directed edges parent -> child with the set of names on each edge."""

    __slots__ = ("_parents", "_children")

    def __init__(self) -> None:
        # child -> parent -> names, and parent -> child -> names (same sets).
        self._parents: dict[str, dict[str, set[str]]] = {}
        self._children: dict[str, dict[str, set[str]]] = {}

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

    def remove_node(self, cell_id: str) -> None:
        """Remove a node and every edge touching it."""
        for parent in self._parents.pop(cell_id, {}):
            self._children[parent].pop(cell_id, None)
        for child in self._children.pop(cell_id, {}):
            self._parents[child].pop(cell_id, None)

    def nodes(self) -> Iterable[str]:
        return self._parents.keys()

    def __contains__(self, cell_id: object) -> bool:
        return cell_id in self._parents

    def parents(self, cell_id: str) -> dict[str, set[str]]:
        return self._parents.get(cell_id, {})

    def children(self, cell_id: str) -> dict[str, set[str]]:
        return self._children.get(cell_id, {})

    def edge_names(self, parent: str, child: str) -> set[str]:
        return self._children.get(parent, {}).get(child, set())

    def reach(self, starts: Iterable[str], forward: bool) -> set[str]:
        """Cells reachable from ``starts`` (excluding the starts unless on a cycle)."""
        adjacency = self._children if forward else self._parents
        seen: set[str] = set()
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            for nxt in adjacency.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen
