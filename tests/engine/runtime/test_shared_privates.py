"""``[tool.reflow] underscore_names = "shared"``: ``_x`` names are ordinary globals, as in
Jupyter, for imported notebooks that call a ``_helper`` from another cell."""

from __future__ import annotations

from reflow.analysis import analyze_cell
from reflow.runtime import CollectingSink, Runtime

HELPER = "_scale = 3\ndef _helper(x):\n    return x * _scale"


def run(*cells: tuple[str, str], shared: bool = True) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, shared_privates=shared)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def test_analysis_lists_underscore_names_as_defs_and_refs_when_shared():
    shared = analyze_cell("_a = 1\nb = _c + _a", shared_privates=True)
    assert shared.defs == {"_a", "b"} and shared.refs == {"_c"} and not shared.privates
    private = analyze_cell("_a = 1\nb = _c + _a")
    assert private.defs == {"b"} and private.refs == set() and private.privates == {"_a"}


def test_another_cell_calls_the_helper_and_re_runs_when_it_changes():
    rt, sink = run(("a", HELPER), ("b", "r = _helper(2)\nr"))
    assert sink.errors == {} and sink.outputs["b"] == 6
    assert "_helper" in rt.namespace  # a global like any other, not renamed
    rt.edit_cell("a", HELPER.replace("_scale = 3", "_scale = 10"))
    rt.run_cells(["a"])
    assert sink.outputs["b"] == 20


def test_underscore_names_redefined_by_several_cells_form_a_chain():
    rt, sink = run(("a", "_x = 1"), ("b", "y = _x + 1"), ("c", "_x = 10"), ("d", "z = _x"))
    assert sink.errors == {}
    assert (rt.namespace["y"], rt.namespace["z"]) == (2, 10)
    rt.edit_cell("a", "_x = 5")
    rt.run_cells(["a"])
    assert (rt.namespace["y"], rt.namespace["z"]) == (6, 10)  # d still reads c's _x


def test_switching_to_shared_re_analyses_and_re_runs_the_notebook():
    rt, sink = run(("a", HELPER), ("b", "_helper(2)"), shared=False)
    assert sink.errors["b"].message == "NameError: name '_helper' is not defined"
    rt.set_shared_privates(True)
    assert "b" not in sink.errors and sink.outputs["b"] == 6
    rt.set_shared_privates(False)  # back to private: the helper is the cell's own again
    assert sink.errors["b"].message.startswith("NameError: name '_helper' is no longer defined")
