"""A redefinition bound on some paths only (``if c: x = 1``) equals a fresh run when it does not bind."""

from __future__ import annotations

from reflow.runtime import CollectingSink, Runtime


def make(*cells: tuple[str, str], mode: str = "auto") -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, mode=mode)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


CELLS = (("a", "x = 0"), ("flag", "c = False"), ("maybe", "if c:\n    x = 1"), ("r", "print(x)"))


def test_rerunning_a_false_conditional_redefinition_keeps_the_version_above():
    rt, sink = make(*CELLS)
    assert sink.stdout("r") == "0\n"
    rt.run_cells(["maybe"])  # it re-binds nothing: x = 0 comes back first, not a NameError
    assert sink.errors == {} and sink.stdout("r") == "0\n" and rt.namespace["x"] == 0


def test_the_condition_turning_false_restores_the_version_above():
    rt, sink = make(*(("flag", "c = True") if c == "flag" else (c, code) for c, code in CELLS))
    assert sink.stdout("r") == "1\n"
    rt.edit_cell("flag", "c = False")
    rt.run_cells(["flag"])
    assert sink.errors == {} and sink.stdout("r") == "0\n" and rt.namespace["x"] == 0


def test_editing_the_version_above_reaches_the_readers_through_the_conditional_cell():
    rt, sink = make(*CELLS)
    rt.edit_cell("a", "x = 5")
    rt.run_cells(["a"])
    assert sink.stdout("r") == "5\n"


def test_a_conditional_first_definer_is_no_error():
    rt, sink = make(("flag", "c = True"), ("maybe", "if c:\n    x = 1"), ("r", "print(x)"), ("b", "x = 2"))
    assert rt.graph.errors() == {}
    assert sink.stdout("r") == "1\n" and rt.namespace["x"] == 2
