"""Functions reading globals defined further down run as in ``python nb.py``.

The graph's rule (reflow.graph.graph, "Deferred reads"): such a read is bound when
the function is called, at the caller's position; the runtime hides names a cell
can only see through cells below it while it runs.
"""

from __future__ import annotations

from reflow.runtime import CollectingSink, Runtime


def make(*cells: tuple[str, str], mode: str = "auto") -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, mode=mode)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def test_function_defined_above_its_globals_runs_like_python():
    _rt, sink = make(
        ("f", "def poisson(p):\n    for _ in range(nit):\n        p = p + b\n    return p"),
        ("set", "nit = 3\nb = 1"),
        ("again", "b = 2\nprint(poisson(0))"),
    )
    assert sink.errors == {}
    assert sink.stdout("again") == "6\n"


def test_editing_the_global_reruns_the_callers_not_needing_it_directly():
    rt, sink = make(("f", "def f():\n    return n * 10"), ("n", "n = 1"), ("call", "print(f())"))
    assert sink.stdout("call") == "10\n"
    rt.edit_cell("n", "n = 2")
    rt.run_cells(["n"])
    assert sink.stdout("call") == "20\n"


def test_a_call_above_the_definition_fails_as_in_python_even_after_it_ran():
    rt, sink = make(("f", "def f():\n    return n"), ("early", "print(f())"), ("n", "n = 1"), ("late", "print(f())"))
    assert sink.errors["early"].ename == "NameError"
    assert sink.stdout("late") == "1\n"
    rt.run_cells(["early"])  # n is in the namespace now, but not above this cell
    assert sink.errors["early"].ename == "NameError"
    assert rt.namespace["n"] == 1  # and it is back after the run


def test_lazy_mode_marks_the_callers_stale():
    rt, _sink = make(("f", "def f():\n    return n"), ("n", "n = 1"), ("call", "y = f()"), mode="lazy")
    rt.edit_cell("n", "n = 5")
    rt.run_cells(["n"])
    assert rt.is_stale("call")
    rt.run_stale()
    assert rt.namespace["y"] == 5
