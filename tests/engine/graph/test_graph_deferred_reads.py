"""Deferred reads (names read only inside function and lambda bodies) in reflow.graph.

Python looks such a name up when the function is called, so a definition further
down is no error, no order violation and no cycle; the callers read it at their
own position (module doc of reflow.graph.graph, "Deferred reads").
"""

from __future__ import annotations

from reflow.analysis import analyze_cell
from reflow.graph import DataflowGraph, UndefinedAboveError


def graph_of(*sources: str, strict: bool = False) -> DataflowGraph:
    g = DataflowGraph(strict=strict)
    ids = [f"c{i}" for i in range(len(sources))]
    for cid, src in zip(ids, sources, strict=True):
        g.set_cell(cid, analyze_cell(src))
    g.set_display_order(ids)
    return g


STEP_12 = (  # the shape of cfdpython's 15_Step_12: nit and b are set (b twice) below the function
    "import numpy",
    "def poisson(p):\n    for q in range(nit):\n        p = p + b\n    return p",
    "nit = 50\nb = 1",
    "b = 2\np = poisson(0)\nprint(p)",
)


def test_analysis_marks_reads_only_in_function_bodies_as_deferred():
    a = analyze_cell("def f(x=d):\n    return x + n + g()\n@deco\ndef g():\n    return m\nh = lambda: k")
    # not the default d nor the decorator deco; g is the cell's own, read by f at call time
    assert a.deferred_refs == {"n", "m", "k", "g"}
    assert {"d", "deco"} <= a.refs - a.deferred_refs
    assert analyze_cell("print(n)\ndef f():\n    return n").deferred_refs == frozenset()
    # its own name, read by a function it may call before binding it (a = f())
    assert analyze_cell("def f():\n    return a + 1\na = f()").deferred_refs == {"a"}


def test_function_reading_names_defined_only_below_is_no_error_and_no_order_violation():
    g = graph_of(*STEP_12)
    assert g.errors() == {}
    assert g.display_order_violations() == []
    assert g.execution_order() == ["c0", "c1", "c2", "c3"]
    assert g.late_reads("c1") == {"nit", "b"}


def test_callers_read_the_deferred_names_at_their_own_position():
    g = graph_of(*STEP_12)
    # c3 calls poisson: through it, it reads nit and b from c2 (a caller that writes b may
    # call before it does)
    assert g.inputs("c3") == {"poisson": "c1", "nit": "c2", "b": "c2"}
    assert "c3" in g.descendants("c2")  # editing nit re-runs the caller
    assert "c1" not in g.descendants("c2")  # not the function's own cell


def test_definer_below_that_calls_the_function_is_no_cycle():
    g = graph_of("def f():\n    return x", "x = 1\nprint(f())")
    assert g.errors() == {} and g.cycles() == []
    assert g.execution_order() == ["c0", "c1"]


def test_definer_above_is_an_ordinary_dependency():
    g = graph_of("x = 1", "def f():\n    return x", "print(f())")
    assert g.inputs("c1") == {"x": "c0"}
    assert g.late_reads("c1") == frozenset()
    assert g.descendants("c0") == {"c1", "c2"}


def test_chain_name_read_in_a_function_binds_at_each_caller():
    g = graph_of("x = 1", "def f():\n    return x", "y = f()", "x = 2", "z = f()")
    assert g.inputs("c1") == {"x": "c0"}
    assert g.inputs("c2") == {"f": "c1", "x": "c0"}  # through f
    assert g.inputs("c4") == {"f": "c1", "x": "c3"}
    assert "c4" in g.descendants("c3") and "c2" not in g.descendants("c3")
    assert g.errors() == {}


def test_eager_read_above_all_definers_is_still_an_error():
    g = graph_of("print(x)", "x = 1", "x = 2")
    assert [type(e) for e in g.errors()["c0"]] == [UndefinedAboveError]
    # a default argument runs at definition time: an eager read
    g = graph_of("def f(v=x):\n    return v", "x = 1", "x = 2")
    assert [type(e) for e in g.errors()["c0"]] == [UndefinedAboveError]


def test_function_calling_a_function_passes_the_read_on():
    g = graph_of("def f():\n    return n", "def g():\n    return f()", "n = 1", "print(g())")
    assert g.inputs("c3") == {"g": "c1", "n": "c2"}  # g calls f (c1 reads it from c0), which reads n
    assert g.errors() == {} and g.display_order_violations() == []


def test_moving_the_definer_above_rebinds_the_function_cell():
    g = graph_of("def f():\n    return n", "n = 1", "print(f())")
    g.take_rebound()
    assert g.set_display_order(["c1", "c0", "c2"]) >= {"c0"}
    assert g.inputs("c0") == {"n": "c1"} and g.late_reads("c0") == frozenset()
    assert g.set_display_order(["c0", "c1", "c2"]) >= {"c0"}
    assert g.inputs("c0") == {}


def test_edits_and_removals_keep_the_edges_exact():
    g = graph_of("def f():\n    return n", "n = 1", "print(f())")
    g.set_cell("c0", analyze_cell("def f():\n    return 0"))
    assert g.inputs("c2") == {"f": "c0"} and g.late_reads("c0") == frozenset()
    g.set_cell("c0", analyze_cell("def f():\n    return n"))
    assert g.inputs("c2") == {"f": "c0", "n": "c1"}
    g.set_cell("c2", analyze_cell("print(f(), n)"))  # now an eager read of its own
    g.set_cell("c0", analyze_cell("def f():\n    return 0"))  # the passed-on edge goes, the eager one stays
    assert g.inputs("c2") == {"f": "c0", "n": "c1"}
    g.remove_cell("c1")
    assert g.inputs("c2") == {"f": "c0"}


def test_strict_mode_accepts_late_reads_too():
    g = graph_of(*STEP_12[:3], "p = poisson(0)", strict=True)
    assert g.errors() == {} and g.display_order_violations() == []
