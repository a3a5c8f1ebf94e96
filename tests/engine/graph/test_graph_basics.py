"""Unit tests for reflow.graph: edges, errors, orders."""

from __future__ import annotations

from dataclasses import dataclass

from reflow.graph import CycleError, DataflowGraph, MultipleDefinitionError


@dataclass(frozen=True)
class A:
    """Stand-in for reflow.analysis.CellAnalysis (same field names)."""

    defs: frozenset = frozenset()
    refs: frozenset = frozenset()
    privates: frozenset = frozenset()
    deleted: frozenset = frozenset()
    imports: frozenset = frozenset()
    error: object = None


def an(defs: str = "", refs: str = "", deleted: str = "") -> A:
    return A(frozenset(defs.split()), frozenset(refs.split()), deleted=frozenset(deleted.split()))


def build(*cells: tuple[str, str, str], strict: bool = False) -> DataflowGraph:
    g = DataflowGraph(strict=strict)
    for cid, defs, refs in cells:
        g.set_cell(cid, an(defs, refs))
    g.set_display_order([c[0] for c in cells])
    return g


def test_chain_edges_and_relatives():
    g = build(("a", "x", ""), ("b", "y", "x"), ("c", "z", "y"), ("d", "", "x z"))
    assert g.parents("b") == {"a"}
    assert g.children("a") == {"b", "d"}
    assert g.parents("d") == {"a", "c"}
    assert g.descendants("a") == {"b", "c", "d"}
    assert g.ancestors("d") == {"a", "b", "c"}
    assert g.ancestors("a") == set()
    assert g.definers("x") == {"a"}
    assert g.readers("x") == {"b", "d"}
    assert g.edge_names("a", "d") == {"x"}
    assert g.errors() == {}


def test_edges_formed_regardless_of_insertion_order():
    g = DataflowGraph()
    g.set_cell("c", an("z", "y"))
    g.set_cell("b", an("y", "x"))
    g.set_cell("a", an("x", ""))
    assert g.parents("c") == {"b"} and g.parents("b") == {"a"}
    assert g.topological_order(["c", "b", "a"]) == ["a", "b", "c"]


def test_self_reference_is_not_an_edge():
    g = build(("a", "x", "x"))
    assert g.parents("a") == frozenset() and g.errors() == {}


# The one-definer rule holds in strict mode only (redefinitions: test_graph_chains.py).
def test_multiple_definition_is_an_error_on_both_cells_naming_the_other():
    g = build(("a", "x", ""), ("b", "x y", ""), ("c", "", "x"), strict=True)
    errs = g.errors()
    assert set(errs) == {"a", "b"}
    (ea,) = errs["a"]
    (eb,) = errs["b"]
    assert isinstance(ea, MultipleDefinitionError) and ea.name == "x" and ea.cells == ("b",)
    assert isinstance(eb, MultipleDefinitionError) and eb.cells == ("a",)
    assert "'x'" in ea.message and "b" in ea.message
    assert g.definers("x") == {"a", "b"}
    assert g.parents("c") == {"a", "b"}


def test_three_definers_name_the_two_others():
    g = build(("a", "x", ""), ("b", "x", ""), ("c", "x", ""), strict=True)
    assert g.errors()["b"][0].cells == ("a", "c")


def test_removal_heals_multiple_definition():
    g = build(("a", "x", ""), ("b", "x", ""), strict=True)
    assert set(g.errors()) == {"a", "b"}
    g.remove_cell("b")
    assert g.errors() == {}


def test_update_heals_multiple_definition():
    g = build(("a", "x", ""), ("b", "x", ""), strict=True)
    g.set_cell("b", an("y", ""))
    assert g.errors() == {}
    assert g.definers("x") == {"a"}


def test_cycle_of_two_names_cells_and_names():
    g = build(("a", "x", "y"), ("b", "y", "x"), ("c", "", "x"))
    errs = g.errors()
    assert set(errs) == {"a", "b"}
    (e,) = errs["a"]
    assert isinstance(e, CycleError)
    assert e.cells == ("a", "b")
    assert set(e.names) == {"x", "y"}
    assert e.edges == (("a", ("x",), "b"), ("b", ("y",), "a"))
    assert "a" in e.message and "x" in e.message and "y" in e.message
    assert errs["b"][0].cells == ("b", "a")


def test_cycle_of_three():
    g = build(("a", "x", "z"), ("b", "y", "x"), ("c", "z", "y"), ("d", "w", "z"))
    errs = g.errors()
    assert set(errs) == {"a", "b", "c"}
    e = errs["a"][0]
    assert e.cells == ("a", "b", "c")
    assert e.names == ("x", "y", "z")
    assert [src for src, _, _ in e.edges] == ["a", "b", "c"]


def test_removing_a_cycle_member_heals():
    g = build(("a", "x", "z"), ("b", "y", "x"), ("c", "z", "y"))
    g.remove_cell("b")
    assert g.errors() == {}
    g.set_cell("b", an("y", "x"))
    assert set(g.errors()) == {"a", "b", "c"}
    g.set_cell("c", an("z", ""))
    assert g.errors() == {}


def test_topological_ties_follow_display_order():
    g = build(("a", "x", ""), ("b", "p", ""), ("c", "y", "x"), ("d", "q", ""))
    assert g.topological_order(["d", "c", "b", "a"]) == ["a", "b", "c", "d"]
    g.set_display_order(["d", "c", "b", "a"])
    assert g.topological_order(["a", "b", "c", "d"]) == ["d", "b", "a", "c"]


def test_topological_order_respects_transitive_dependencies_of_a_subset():
    # c must precede a through b even though b is not requested.
    g = build(("a", "", "y"), ("b", "y", "x"), ("c", "x", ""), ("d", "", ""))
    assert g.topological_order(["a", "c", "d"]) == ["c", "a", "d"]


def test_topological_order_ignores_unknown_cells_and_breaks_cycles():
    g = build(("a", "x", "y"), ("b", "y", "x"), ("c", "", ""))
    # free cells first; the cycle is broken at its earliest-displayed member
    assert g.topological_order(["zz", "c", "b", "a"]) == ["c", "a", "b"]


def test_unplaced_cells_sort_after_placed_by_insertion():
    g = DataflowGraph()
    for c in "abc":
        g.set_cell(c, an())
    g.set_display_order(["c"])
    assert g.cells() == ["c", "a", "b"]


def test_display_order_violations():
    g = build(("a", "", "x y"), ("b", "x", ""), ("c", "y", ""), ("d", "", "x"))
    (v,) = g.display_order_violations()
    assert v.cell == "a" and v.names == ("x", "y") and v.defined_by == ("b", "c")
    g.set_display_order(["b", "c", "a", "d"])
    assert g.display_order_violations() == []


def test_execution_order_keeps_valid_display_order():
    cells = [("a", "x", ""), ("b", "p", ""), ("c", "y", "x"), ("d", "q", "")]
    g = build(*cells)
    assert g.execution_order() == ["a", "b", "c", "d"]


def test_execution_order_moves_a_reader_down():
    g = build(("r", "", "x"), ("b", "", ""), ("c", "", ""), ("x", "x", ""), ("e", "", ""))
    assert g.execution_order() == ["b", "c", "x", "r", "e"]


def test_execution_order_moves_a_definer_up_when_that_moves_fewer_cells():
    g = build(("a", "x", "y"), ("b", "", "x"), ("c", "", "x"), ("d", "y", ""))
    assert g.execution_order() == ["d", "a", "b", "c"]


def test_del_of_foreign_name_runs_after_definer_and_readers():
    g = DataflowGraph()
    g.set_cell("a", an("x", ""))
    g.set_cell("k", an("", "", deleted="x"))
    g.set_cell("r", an("y", "x"))
    g.set_display_order(["a", "k", "r"])
    assert g.parents("k") == {"a", "r"}
    assert g.topological_order(["k", "r", "a"]) == ["a", "r", "k"]
    assert g.errors() == {}
    g.remove_cell("r")
    assert g.parents("k") == {"a"}


def test_del_of_own_name_has_no_extra_edges():
    g = DataflowGraph()
    g.set_cell("a", an("x", "", deleted="x"))
    g.set_cell("r", an("", "x"))
    assert g.parents("a") == frozenset() and g.parents("r") == {"a"}


def test_two_deleters_are_not_a_cycle():
    g = DataflowGraph()
    g.set_cell("a", an("x", ""))
    g.set_cell("k1", an("", "", deleted="x"))
    g.set_cell("k2", an("", "", deleted="x"))
    assert g.errors() == {}


def test_remove_unknown_cell_is_a_no_op():
    g = build(("a", "x", ""))
    g.remove_cell("nope")
    assert g.cells() == ["a"]
