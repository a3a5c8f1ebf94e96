"""Orders: topological with display-order ties, and a stable whole-notebook order.

Both kinds of edges (data and order-only) constrain every order here.
Keys are ``(display index, insertion sequence)`` so cells not yet placed in the
display order still sort deterministically (after the placed ones).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any

from .errors import OrderViolation
from .topology import Topology

Key = Callable[[str], tuple[int, int]]


def topological_order(topology: Topology, cells: Iterable[str], key: Key) -> list[str]:
    """Order ``cells`` so every (transitive) dependency among them comes first.

    Intermediate cells on paths between requested cells take part invisibly so
    transitive constraints hold; among free cells the earliest in display order
    goes first. Cycles are broken at the earliest-displayed remaining cell.
    """
    wanted = {c for c in cells if c in topology}
    if not wanted:
        return []
    # Cells between requested ones: reachable from and reaching the set.
    between = topology.reach(wanted, True, order=True) & topology.reach(wanted, False, order=True)
    nodes = wanted | between
    indegree = {n: 0 for n in nodes}
    for n in nodes:
        for child in topology.successors(n):
            if child in indegree:
                indegree[child] += 1

    # Invisible intermediates pop first (rank 0): they only unlock others.
    def prio(n: str) -> tuple[int, int, int]:
        return (0 if n not in wanted else 1, *key(n))

    heap = [(prio(n), n) for n, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    out: list[str] = []
    done: set[str] = set()
    while len(done) < len(nodes):
        if not heap:  # a cycle: release its earliest-displayed member
            n = _on_a_cycle(topology.predecessors, nodes, done, prio)
            indegree[n] = 0
            heap.append((prio(n), n))
        _, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        if n in wanted:
            out.append(n)
        for child in topology.successors(n):
            if child in indegree and child not in done:
                indegree[child] -= 1
                if indegree[child] == 0:
                    heapq.heappush(heap, (prio(child), child))
    return out


def _on_a_cycle(
    predecessors: Callable[[str], Iterable[str]], nodes: Iterable[str], done: set[str], prio: Callable[[str], Any]
) -> str:
    """When every remaining cell waits for another: the first (by ``prio``) cell of a cycle.

    Not merely the first remaining cell: a cell that only waits *below* a cycle must
    not run before the cycle's members report their error, whatever subset is ordered.
    Walks first-waiting-for links from the first remaining cell until one repeats.
    """
    remaining = [m for m in nodes if m not in done]
    pending = set(remaining)
    node = min(remaining, key=prio)
    path: dict[str, int] = {}
    while node not in path:
        path[node] = len(path)
        node = min((p for p in predecessors(node) if p in pending), key=prio)
    cycle = [m for m, i in path.items() if i >= path[node]]
    return min(cycle, key=prio)


def _kahn(topology: Topology, nodes: list[str], rank: dict[str, int], reverse: bool) -> list[str]:
    """Lexicographically smallest order by ``rank`` (or, reversed, fill from the end)."""
    adj_out = topology.predecessors if reverse else topology.successors
    adj_in = topology.successors if reverse else topology.predecessors
    sign = -1 if reverse else 1
    indegree = {n: len(adj_in(n)) for n in nodes}
    heap = [(sign * rank[n], n) for n, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    out: list[str] = []
    done: set[str] = set()
    while len(out) < len(nodes):
        if not heap:  # cycle: break it deterministically
            n = _on_a_cycle(adj_in, nodes, done, lambda m: sign * rank[m])
            heap.append((sign * rank[n], n))
        _, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        out.append(n)
        for nxt in adj_out(n):
            if nxt not in done:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    heapq.heappush(heap, (sign * rank[nxt], nxt))
    if reverse:
        out.reverse()
    return out


def moves(order: list[str], rank: dict[str, int]) -> int:
    """Cells that left their display position: N - longest increasing run of ranks."""
    tails: list[int] = []
    for r in (rank[c] for c in order):
        i = bisect_left(tails, r)
        if i == len(tails):
            tails.append(r)
        else:
            tails[i] = r
    return len(order) - len(tails)


def execution_order(topology: Topology, key: Key) -> list[str]:
    """A valid order of the whole notebook that keeps display order where it can.

    Two greedy candidates -- move readers down after their definers, or move
    definers up before their readers -- and the one moving fewer cells wins
    (ties: the first). An already valid display order is returned unchanged.
    """
    nodes = sorted(topology.nodes(), key=key)
    rank = {n: i for i, n in enumerate(nodes)}
    down = _kahn(topology, nodes, rank, reverse=False)
    if down == nodes:
        return down
    up = _kahn(topology, nodes, rank, reverse=True)
    return up if moves(up, rank) < moves(down, rank) else down


def display_order_violations(topology: Topology, key: Key) -> list[OrderViolation]:
    """Cells (in display order) reading names that later cells define."""
    result = []
    for cell in sorted(topology.nodes(), key=key):
        mine = key(cell)
        names: set[str] = set()
        later: set[str] = set()
        for parent, edge_names in topology.parents(cell).items():
            if key(parent) > mine:
                names |= edge_names
                later.add(parent)
        if later:
            result.append(OrderViolation(cell, tuple(sorted(names)), tuple(sorted(later, key=key))))
    return result
