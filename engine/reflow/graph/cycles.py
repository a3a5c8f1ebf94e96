"""Cycle detection: strongly connected components and one named cycle per cell.

Recomputed from scratch when asked after a change (Tarjan is O(V + E)), which
keeps incremental updates cheap and the result always exact. Cycles run through
data and order-only edges alike: both are constraints no order can break.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .errors import CycleError
from .topology import Topology


def strongly_connected_components(topology: Topology) -> list[list[str]]:
    """Tarjan's algorithm, iterative (notebooks can have long chains)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in topology.nodes():
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(topology.successors(root)))]
        while work:
            node, it = work[-1]
            advanced = False
            for child in it:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(topology.successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result


def shortest_cycle_through(
    topology: Topology, start: str, members: set[str], key: Callable[[str], tuple[int, int]]
) -> CycleError:
    """BFS inside one component for the shortest cycle start -> ... -> start.

    Children are visited in display order so the named cycle is deterministic.
    """
    previous: dict[str, str] = {}
    queue = deque([start])
    found = False
    while queue and not found:
        node = queue.popleft()
        for child in sorted(topology.successors(node), key=key):
            if child not in members:
                continue
            if child == start:
                previous[start] = node
                found = True
                break
            if child not in previous:
                previous[child] = node
                queue.append(child)
    path = [start]
    node = previous[start]
    while node != start:
        path.append(node)
        node = previous[node]
    path.reverse()  # now: start's successor ... ; rotate so it begins at start
    path = [path[-1], *path[:-1]]
    edges = tuple(
        (src, tuple(sorted(topology.all_edge_names(src, dst))), dst)
        for src, dst in zip(path, [*path[1:], *path[:1]], strict=True)
    )
    return CycleError.from_edges(edges)


def cycle_errors(topology: Topology, key: Callable[[str], tuple[int, int]]) -> dict[str, CycleError]:
    """Every cell on a cycle -> a CycleError naming a cycle through it."""
    errors: dict[str, CycleError] = {}
    for component in strongly_connected_components(topology):
        if len(component) < 2:
            continue  # self edges are never stored
        members = set(component)
        for cell in component:
            errors[cell] = shortest_cycle_through(topology, cell, members, key)
    return errors
