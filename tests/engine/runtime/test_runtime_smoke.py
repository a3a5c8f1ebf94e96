"""Smoke test: a chain runs, edits propagate."""

from reflow.runtime import CollectingSink, Runtime


def test_chain_runs_and_edit_propagates():
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.set_cells([("a", "x = 1"), ("b", "y = x + 1\ny"), ("c", "z = y * 10")])
    rt.run_all()
    assert rt.namespace["z"] == 20 and sink.outputs["b"] == 2
    rt.edit_cell("a", "x = 5")
    rt.run_cells(["a"])
    assert rt.namespace["z"] == 60
    assert [sink.last_status(c) for c in "abc"] == ["idle"] * 3
