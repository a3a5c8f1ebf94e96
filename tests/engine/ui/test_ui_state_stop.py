"""reflow.state (re-runs readers of the getter, not the setter's cell) and reflow.stop."""

from __future__ import annotations


def test_setter_reruns_readers_except_its_own_cell(make_runtime, ran):
    rt, sink = make_runtime(
        "import reflow\nget, set_ = reflow.state(0)",
        "seen = get()",
        "log = []",
        "set_(5)\nlog.append(get())",
    )
    # cell c3 ran set_(5) during run_all: c1 (reads get) re-ran after it, c3 did not loop
    assert rt.namespace["seen"] == 5
    assert rt.namespace["log"] == [5]
    mark = len(sink.events)
    rt.run_cells(["c3"])
    assert ran(sink, mark) == ["c3", "c1"]


def test_setter_with_function_and_outside_a_run(make_runtime):
    from reflow import context

    rt, _ = make_runtime("import reflow\nget, set_ = reflow.state(1)", "doubled = get() * 2")
    setter = rt.namespace["set_"]
    setter(lambda old: old + 10)  # outside a cell: runs the readers at once
    assert context.cell is None
    assert rt.namespace["doubled"] == 22


def test_state_in_lazy_mode_marks_stale(make_runtime):
    rt, _ = make_runtime("import reflow\nget, set_ = reflow.state(1)", "d = get()", mode="lazy")
    rt.namespace["set_"](3)
    assert rt.is_stale("c1") and rt.namespace["d"] == 1


def test_stop_shows_output_and_descendants_say_stopped(make_runtime):
    rt, sink = make_runtime(
        "flag = True",
        "import reflow\nreflow.stop(flag, 'nothing yet')\nvalue = 1",
        "after = value + 1",
    )
    assert sink.outputs["c1"] == "nothing yet"
    assert "c1" not in sink.errors and sink.statuses["c1"][-1] == "idle"
    assert "value" not in rt.namespace
    err = sink.errors["c2"]
    assert err.kind == "ancestor-error" and "stopped" in err.message
    rt.edit_cell("c0", "flag = False")
    rt.run_cells(["c0"])
    assert rt.namespace["after"] == 2


def test_stop_false_does_nothing(make_runtime):
    rt, _ = make_runtime("import reflow\nreflow.stop(0)\nx = 1")
    assert rt.namespace["x"] == 1
