"""Property tests: the incremental graph equals a rebuild, orders respect edges."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.graph import DataflowGraph

NAMES = list("abcdefgh")
CELLS = [f"c{i}" for i in range(8)]


@dataclass(frozen=True)
class A:
    defs: frozenset
    refs: frozenset
    deleted: frozenset = frozenset()
    privates: frozenset = frozenset()
    imports: frozenset = frozenset()
    error: object = None
    mutations: frozenset = frozenset()


analyses = st.builds(
    A,
    defs=st.frozensets(st.sampled_from(NAMES), max_size=2),
    refs=st.frozensets(st.sampled_from(NAMES), max_size=3),
    deleted=st.frozensets(st.sampled_from(NAMES), max_size=1),
    mutations=st.frozensets(st.sampled_from(NAMES), max_size=1),
)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(CELLS), analyses),
        st.tuples(st.just("remove"), st.sampled_from(CELLS), st.none()),
    ),
    max_size=30,
)


def snapshot(g: DataflowGraph) -> dict:
    cells = sorted(g.cells())
    return {
        "parents": {c: g.parents(c) for c in cells},
        "children": {c: g.children(c) for c in cells},
        "edges": {(p, c): g.edge_names(p, c) for c in cells for p in g.parents(c)},
        "order": {c: g.order_parents(c) for c in cells},
        "errors": {c: sorted(map(repr, e)) for c, e in g.errors().items()},
        "definers": {n: g.definers(n) for n in NAMES},
    }


@settings(max_examples=300, deadline=None)
@given(ops, st.permutations(CELLS), st.permutations(CELLS), st.booleans())
def test_incremental_equals_rebuild(operations, display, first_display, strict):
    """Any interleaving of updates, queries and display-order changes equals a fresh build."""
    g = DataflowGraph(strict=strict)
    g.set_display_order(first_display)
    current: dict[str, A] = {}
    for op, cell, analysis in operations:
        if op == "set":
            g.set_cell(cell, analysis)
            current[cell] = analysis
        else:
            g.remove_cell(cell)
            current.pop(cell, None)
        g.errors()  # interleave queries with updates (cache invalidation)
    fresh = DataflowGraph(strict=strict)
    for cell in sorted(current):
        fresh.set_cell(cell, current[cell])
    g.set_display_order(display)
    fresh.set_display_order(display)
    assert snapshot(g) == snapshot(fresh)
    assert g.execution_order() == fresh.execution_order()


def acyclic_notebook():
    """Cell i may only read names defined by cells < i (in a shuffled display)."""

    @st.composite
    def build(draw):
        n = draw(st.integers(1, 10))
        cells = []
        for i in range(n):
            refs = draw(st.frozensets(st.integers(0, max(i - 1, 0)), max_size=3)) if i else frozenset()
            cells.append((f"c{i}", A(frozenset({f"v{i}"}), frozenset(f"v{j}" for j in refs))))
        display = draw(st.permutations([c for c, _ in cells]))
        subset = draw(st.lists(st.sampled_from([c for c, _ in cells]), unique=True))
        return cells, display, subset

    return build()


@settings(max_examples=300, deadline=None)
@given(acyclic_notebook())
def test_orders_respect_every_edge(case):
    cells, display, subset = case
    g = DataflowGraph()
    for cid, a in cells:
        g.set_cell(cid, a)
    g.set_display_order(display)
    assert g.errors() == {}
    order = g.execution_order()
    assert sorted(order) == sorted(display)
    pos = {c: i for i, c in enumerate(order)}
    for c in order:
        for p in g.parents(c):
            assert pos[p] < pos[c]
    # Violations are empty exactly when the display order is itself valid.
    dpos = {c: i for i, c in enumerate(display)}
    valid = all(dpos[p] < dpos[c] for c in display for p in g.parents(c))
    assert (g.display_order_violations() == []) == valid
    if valid:
        assert order == list(display)
    sub = g.topological_order(subset)
    assert sorted(sub) == sorted(subset)
    spos = {c: i for i, c in enumerate(sub)}
    for c in sub:
        for a in g.ancestors(c):
            if a in spos:
                assert spos[a] < spos[c]


@settings(max_examples=200, deadline=None)
@given(acyclic_notebook())
def test_descendants_and_ancestors_are_inverse(case):
    cells, display, _ = case
    g = DataflowGraph()
    for cid, a in cells:
        g.set_cell(cid, a)
    for c, _ in cells:
        for d in g.descendants(c):
            assert c in g.ancestors(d)
