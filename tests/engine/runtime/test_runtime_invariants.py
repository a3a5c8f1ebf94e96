"""Property: after any sequence of edits and runs (auto mode), the namespace equals
running the current cells top to bottom in execution order, as a script would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.runtime import CollectingSink, Runtime


@st.composite
def notebooks(draw):
    n = draw(st.integers(1, 8))
    cells = {}
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        const = draw(st.integers(0, 9))
        cells[f"c{i}"] = (deps, const)
    display = draw(st.permutations(list(cells)))
    edits = draw(st.lists(st.tuples(st.sampled_from(list(cells)), st.integers(0, 9)), max_size=6))
    return cells, display, edits


def code(i: str, deps: list[int], const: int) -> str:
    expr = " + ".join([f"v{d}" for d in deps] + [str(const)])
    return f"_t = {expr}\nv{i[1:]} = _t * 2 + 1"


def script_values(rt: Runtime) -> dict:
    ns: dict = {}
    for cell in rt.graph.execution_order():
        exec(rt.code(cell), ns)
    return {k: v for k, v in ns.items() if k.startswith("v")}


@settings(max_examples=150, deadline=None)
@given(notebooks())
def test_auto_mode_namespace_matches_script(case):
    cells, display, edits = case
    rt = Runtime(CollectingSink())
    rt.set_cells([(c, code(c, *cells[c])) for c in display])
    rt.run_all()
    for cell, const in edits:
        deps, _ = cells[cell]
        cells[cell] = (deps, const)
        rt.edit_cell(cell, code(cell, deps, const))
        rt.run_cells([cell])
    values = {k: v for k, v in rt.namespace.items() if k.startswith("v")}
    assert values == script_values(rt)
    assert rt.stale_cells() == []
    assert not any(k.startswith("_t") for k in rt.namespace)


@settings(max_examples=150, deadline=None)
@given(notebooks())
def test_lazy_mode_then_run_stale_matches_script(case):
    cells, display, edits = case
    rt = Runtime(CollectingSink(), mode="lazy")
    rt.set_cells([(c, code(c, *cells[c])) for c in display])
    for cell, const in edits:
        deps, _ = cells[cell]
        rt.edit_cell(cell, code(cell, deps, const))
        rt.run_cells([cell])  # its stale ancestors run first; descendants go stale
    rt.run_stale()
    values = {k: v for k, v in rt.namespace.items() if k.startswith("v")}
    assert values == script_values(rt)
    assert rt.stale_cells() == []
