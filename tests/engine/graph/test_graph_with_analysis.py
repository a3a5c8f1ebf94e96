"""The graph fed by the real reflow.analysis.analyze_cell."""

from __future__ import annotations

import pytest

analysis = pytest.importorskip("reflow.analysis")

from reflow.graph import CycleError, DataflowGraph, MultipleDefinitionError  # noqa: E402


def graph_of(*sources: str, strict: bool = False) -> DataflowGraph:
    g = DataflowGraph(strict=strict)
    ids = [f"c{i}" for i in range(len(sources))]
    for cid, src in zip(ids, sources):
        g.set_cell(cid, analysis.analyze_cell(src))
    g.set_display_order(ids)
    return g


def test_realistic_notebook():
    g = graph_of(
        "import math",
        "def area(r):\n    return math.pi * r ** 2",
        "r = 2",
        "a = area(r)\nprint(a)",
        "_tmp = a * 2\nb = _tmp",
    )
    assert g.parents("c1") == {"c0"}
    assert g.parents("c3") == {"c1", "c2"}
    assert g.parents("c4") == {"c3"}
    assert g.descendants("c2") == {"c3", "c4"}
    assert g.errors() == {}
    assert g.display_order_violations() == []


def test_augmented_assignment_of_another_cells_name_is_multiple_definition_in_strict_mode():
    g = graph_of("x = 1", "x += 1", strict=True)
    errs = g.errors()
    assert isinstance(errs["c0"][0], MultipleDefinitionError)
    assert errs["c1"][0].cells == ("c0",)


def test_augmented_assignment_of_another_cells_name_reads_the_version_above():
    g = graph_of("x = 1", "x += 1", "y = x")
    assert g.errors() == {}
    assert g.inputs("c1") == {"x": "c0"}
    assert g.inputs("c2") == {"x": "c1"}
    assert g.chain("x") == ["c0", "c1"]


def test_mutations_from_code_join_the_chain_and_method_calls_do_not():
    g = graph_of("df = {}", "df['a'] = 1", "df.update(b=2)", "print(df)")
    assert g.chain("df") == ["c0", "c1"]
    assert g.inputs("c1") == {"df": "c0"}
    assert g.inputs("c2") == {"df": "c1"}
    assert g.inputs("c3") == {"df": "c1"}
    assert g.analysis("c2").method_mutation_hints == {"df"}


def test_mutation_is_an_ordinary_read_in_strict_mode():
    g = graph_of("df = {}", "print(df)", "df['a'] = 1", strict=True)
    assert g.chain("df") == []
    assert g.parents("c2") == {"c0"} and g.parents("c1") == {"c0"}
    assert g.errors() == {}


def test_cycle_from_code():
    g = graph_of("a = b + 1", "b = a + 1")
    assert isinstance(g.errors()["c0"][0], CycleError)


def test_shadowed_builtin_links_reader():
    g = graph_of("filter = 3", "print(filter)")
    assert g.parents("c1") == {"c0"}


def test_syntax_error_cell_has_no_edges():
    g = graph_of("x = 1", "y = x +", "z = y")
    assert g.parents("c1") == frozenset() and g.parents("c2") == frozenset()


def test_del_of_foreign_name():
    g = graph_of("x = 1", "del x", "print(x)")
    assert g.parents("c1") == {"c0", "c2"}
    assert g.execution_order() == ["c0", "c2", "c1"]
    assert [v.cell for v in g.display_order_violations()] == ["c1"]
