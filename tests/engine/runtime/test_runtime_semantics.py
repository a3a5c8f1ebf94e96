"""Reactive semantics of reflow.runtime.Runtime (DESIGN.md "Reactive semantics")."""

from __future__ import annotations

import _thread
import io
import sys
import threading

import pytest

from reflow.runtime import CollectingSink, PrintSink, Runtime


def make(*cells: tuple[str, str], mode: str = "auto", run: bool = True, strict: bool = False):
    sink = CollectingSink()
    rt = Runtime(sink, mode=mode, strict=strict)
    rt.set_cells(list(cells))
    if run:
        rt.run_all()
    return rt, sink


def ran_order(sink: CollectingSink) -> list[str]:
    return [e[1] for e in sink.events if e[0] == "status" and e[2] == "running"]


# ----- outputs, streams, privates, tracebacks ---------------------------------
def test_last_expression_value_is_the_output_object():
    rt, sink = make(("a", "import types\nobj = types.SimpleNamespace(k=1)\nobj"))
    assert sink.outputs["a"] is rt.namespace["obj"]


def test_trailing_semicolon_and_none_give_no_output():
    rt, sink = make(("a", "x = 1\nx;"), ("b", "y = 2\ny ;  # quiet"), ("c", "None"), ("d", "print('p')"))
    assert sink.outputs == {}
    assert sink.stdout("d") == "p\n"


def test_semicolon_detection_handles_non_ascii_columns():
    rt, sink = make(("a", "s = 'é'\ns  # café"))
    assert sink.outputs["a"] == "é"


def test_stdout_and_stderr_are_captured_per_cell_and_restored():
    before = sys.stdout, sys.stderr
    rt, sink = make(
        ("a", "import sys\nprint('one')\nprint('err', file=sys.stderr)"),
        ("b", "print('two')"),
    )
    assert sink.streams["a"] == {"stdout": "one\n", "stderr": "err\n"}
    assert sink.streams["b"] == {"stdout": "two\n"}
    assert (sys.stdout, sys.stderr) == before


def test_private_names_are_removed_after_the_run_even_on_error():
    rt, sink = make(("a", "_tmp = 3\nx = _tmp * 2"), ("b", "_scratch = 1\nraise ValueError('no')"))
    assert rt.namespace["x"] == 6
    assert "_tmp" not in rt.namespace and "_scratch" not in rt.namespace


def test_traceback_has_only_notebook_frames_with_cell_line_numbers():
    rt, sink = make(("f", "def f(v):\n    return 1 / v"), ("a", "x = 1\n\ny = f(0)"))
    err = sink.errors["a"]
    assert err.kind == "exception" and err.ename == "ZeroDivisionError"
    assert err.message == "ZeroDivisionError: division by zero"
    tb = err.traceback
    # Cells are named by display number, never by id (issue 13): a is cell 2, f cell 1.
    assert 'File "<cell 2>", line 3' in tb and 'File "<cell 1>", line 2' in tb
    assert "runtime" not in tb and "executor" not in tb
    assert "y = f(0)" in tb


def test_system_exit_is_a_cell_error_not_an_exit():
    rt, sink = make(("a", "import sys\nsys.exit(3)"), ("b", "ok = 1"))
    assert sink.errors["a"].ename == "SystemExit"
    assert rt.namespace["ok"] == 1


# ----- reactivity ---------------------------------------------------------------
def test_statuses_queued_for_the_whole_plan_then_running_then_idle():
    rt, sink = make(("a", "x = 1"), ("b", "y = x"), ("c", "z = y"))
    sink.reset()
    rt.run_cells(["a"])
    kinds = [(e[1], e[2]) for e in sink.events if e[0] == "status"]
    assert kinds[:3] == [("a", "queued"), ("b", "queued"), ("c", "queued")]
    assert kinds[3:] == [("a", "running"), ("a", "idle"), ("b", "running"), ("b", "idle"),
                         ("c", "running"), ("c", "idle")]
    assert sink.runs == [["a", "b", "c"]]


def test_descendants_run_in_topological_order_with_display_ties():
    rt, sink = make(("d", "w = y + z"), ("b", "y = x"), ("c", "z = x"), ("a", "x = 1"), ("e", "q = 0"))
    sink.reset()
    rt.run_cells(["a"])
    assert ran_order(sink) == ["a", "b", "c", "d"]


def test_running_removes_old_defs_and_readers_learn_why():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"))
    rt.edit_cell("a", "other = 1")
    rt.run_cells(["a"])
    assert "x" not in rt.namespace and rt.namespace["other"] == 1
    err = sink.errors["b"]
    assert err.kind == "exception" and err.ename == "NameError"
    assert "no longer defined" in err.message and "cell 1" in err.message  # numbers, not ids (issue 13)
    assert "no longer defined" in err.traceback


def test_edit_alone_marks_only_the_cell_stale():
    rt, sink = make(("a", "x = 1"), ("b", "y = x"))
    sink.reset()
    rt.edit_cell("a", "x = 2")
    assert sink.statuses == {"a": ["stale"]}
    assert rt.namespace["x"] == 1 and rt.is_stale("a") and not rt.is_stale("b")
    rt.edit_cell("a", "x = 2")  # same code again: nothing
    assert sink.statuses == {"a": ["stale"]}


def test_unchanged_cell_still_reruns_when_asked():
    rt, sink = make(("a", "print('ran')"))
    rt.run_cells(["a"])
    rt.run_cells(["a"])
    assert sink.runs[-2:] == [["a"], ["a"]]
    assert sink.stdout("a") == "ran\n"  # cleared before each run


def test_failing_cell_stops_descendants_naming_the_ancestor():
    rt, sink = make(("a", "x = 1"), ("b", "y = x / 0"), ("c", "z = y"), ("d", "w = z"), ("e", "free = 1"))
    assert sink.last_status("b") == "error"
    for cell in "cd":
        assert sink.last_status(cell) == "ancestor-error"
        err = sink.errors[cell]
        assert err.kind == "ancestor-error" and err.cells == ("b",)
        assert err.message == "not run: ancestor cell 2 raised ZeroDivisionError"  # b is cell 2
    assert rt.namespace["free"] == 1 and "y" not in rt.namespace
    rt.edit_cell("b", "y = x * 2")
    rt.run_cells(["b"])
    assert rt.namespace["w"] == 2 and sink.last_status("d") == "idle"


def test_failed_cell_leaves_no_partial_defs():
    rt, sink = make(("a", "x = 1\ny = 2\nraise RuntimeError('late')"))
    assert "x" not in rt.namespace and "y" not in rt.namespace


def test_syntax_error_does_not_stop_unrelated_cells():
    rt, sink = make(("a", "x = = 1"), ("b", "y = 2"), ("c", "return 5"), ("d", "z = y + 1"))
    assert sink.errors["a"].kind == "syntax" and "line 1" in (sink.errors["a"].traceback or "")
    assert sink.errors["c"].kind == "syntax" and "outside function" in sink.errors["c"].message
    assert rt.namespace["z"] == 3
    assert [sink.last_status(c) for c in "abcd"] == ["error", "idle", "error", "idle"]


def test_star_import_runs_and_its_names_enter_the_graph():
    # Semantics changed on purpose (issue 13): no longer an error; see test_star_import.py.
    rt, sink = make(("a", "from os.path import *"), ("b", "n = basename('/x/y')"))
    assert sink.errors == {}
    assert rt.namespace["n"] == "y" and "basename" in rt.graph.analysis("a").defs


# The one-definer rule is strict mode's (redefinitions: test_runtime_redefinition.py).
def test_multiple_definition_errors_both_cells_and_heals():
    rt, sink = make(("a", "x = 1"), ("r", "y = x"), strict=True)
    rt.edit_cell("b", "x = 2")
    rt.run_cells(["b"])
    assert sink.errors["b"].kind == "multiple-definition" and sink.errors["b"].cells == ("a",)
    assert sink.errors["a"].kind == "multiple-definition" and sink.errors["a"].cells == ("b",)
    assert sink.last_status("r") == "ancestor-error"
    rt.edit_cell("b", "x2 = 2")
    rt.run_cells(["b"])  # auto mode: the healed cell a re-runs, and r below it
    assert [sink.last_status(c) for c in ("a", "b", "r")] == ["idle"] * 3
    assert rt.namespace["y"] == 1


def test_cycle_is_an_error_naming_the_cycle():
    rt, sink = make(("a", "x = y + 1"), ("b", "y = x + 1"), ("c", "ok = 1"))
    for cell in "ab":
        err = sink.errors[cell]
        assert err.kind == "cycle" and set(err.cells) == {"a", "b"}
        assert "x" in err.message and "y" in err.message
    assert rt.namespace["ok"] == 1


# ----- lazy mode ---------------------------------------------------------------------
def test_lazy_mode_marks_descendants_stale_and_runs_stale_ancestors_first():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"), ("c", "z = y + 1"), mode="lazy")
    assert rt.namespace["z"] == 3
    rt.edit_cell("a", "x = 10")
    rt.run_cells(["a"])
    assert rt.namespace["x"] == 10 and rt.namespace["z"] == 3
    assert sink.last_status("b") == "stale" and sink.last_status("c") == "stale"
    sink.reset()
    rt.edit_cell("a", "x = 100")
    rt.run_cells(["c"])  # stale a and b run first
    assert ran_order(sink) == ["a", "b", "c"]
    assert rt.namespace["z"] == 102
    assert rt.stale_cells() == []


def test_lazy_run_stale_runs_everything_stale():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"), ("c", "z = 0"), mode="lazy")
    rt.edit_cell("a", "x = 5")
    rt.run_cells(["a"])
    assert rt.stale_cells() == ["b"]
    rt.run_stale()
    assert rt.namespace["y"] == 6 and rt.stale_cells() == []


def test_set_cells_without_run_leaves_everything_stale():
    rt, sink = make(("a", "x = 1"), ("b", "y = x"), run=False)
    assert rt.stale_cells() == ["a", "b"] and "x" not in rt.namespace
    rt.set_mode("lazy")
    rt.run_cells(["b"])
    assert rt.namespace["y"] == 1


# ----- delete, disable ---------------------------------------------------------------
def test_delete_cell_removes_defs_and_descendants_fail_clearly():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"), ("c", "z = y"), ("d", "free = 1"))
    sink.reset()
    rt.delete_cell("a")
    assert "x" not in rt.namespace and rt.cells() == ["b", "c", "d"]
    err = sink.errors["b"]
    assert err.ename == "NameError"
    assert err.message == "NameError: name 'x' is no longer defined (it was defined by cell 1 (`x = 1`), which was deleted)"
    assert sink.last_status("c") == "ancestor-error"
    assert "d" not in ran_order(sink)


def test_delete_cell_in_lazy_mode_marks_descendants_stale():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"), ("c", "z = y"), mode="lazy")
    rt.delete_cell("a")
    assert "x" not in rt.namespace
    assert rt.stale_cells() == ["b", "c"]


def test_delete_heals_multiple_definition_and_runs_the_survivor():
    rt, sink = make(("a", "x = 1"), ("b", "x = 2"), ("r", "y = x"), strict=True)
    assert sink.last_status("a") == "error"
    rt.delete_cell("b")
    assert rt.namespace["y"] == 1 and sink.last_status("a") == "idle"


def test_disabled_cell_does_not_run_and_descendants_go_stale():
    rt, sink = make(("a", "x = 1"), ("b", "y = x + 1"), ("c", "z = y + 1"))
    rt.set_disabled("b", True)
    assert sink.last_status("b") == "disabled"
    rt.edit_cell("a", "x = 10")
    rt.run_cells(["a"])
    assert rt.namespace["x"] == 10 and rt.namespace["y"] == 2
    assert sink.last_status("b") == "disabled" and sink.last_status("c") == "stale"
    rt.run_cells(["c"])  # below a disabled cell: still does not run
    assert rt.namespace["z"] == 3
    rt.set_disabled("b", False)  # auto mode: stale cell and its stale descendants run
    assert rt.namespace["z"] == 12 and sink.last_status("c") == "idle"


# ----- interrupts ------------------------------------------------------------------------
def test_keyboard_interrupt_in_a_cell_cancels_the_rest_and_runtime_survives():
    rt, sink = make(
        ("a", "x = 1"), ("b", "y = x\nraise KeyboardInterrupt"), ("c", "z = y"), ("d", "w = x + 1"),
    )
    assert sink.last_status("b") == "interrupted"
    assert sink.errors["b"].kind == "interrupted"
    assert sink.last_status("c") == "cancelled" and sink.last_status("d") == "cancelled"
    assert sink.runs[-1] == ["a", "b"]
    assert rt.stale_cells() == ["b", "c", "d"]
    rt.edit_cell("b", "y = x")
    rt.run_cells(["b"])
    assert rt.namespace["z"] == 1
    rt.run_stale()
    assert rt.namespace["w"] == 2 and rt.stale_cells() == []


def test_sigint_from_another_thread_interrupts_the_running_cell():
    rt, sink = make(("a", "x = 1"), run=False)
    rt.run_all()
    rt.edit_cell("s", "import time\nfor _ in range(2000):\n    time.sleep(0.005)\nslow = 1")
    rt.edit_cell("after", "y = slow + x")
    started = threading.Event()
    rt.namespace["__started"] = started
    rt.edit_cell("s", "__started.set()\n" + rt.code("s"))
    timer = threading.Thread(target=lambda: (started.wait(30), _thread.interrupt_main()))
    timer.start()
    rt.run_cells(["s"])
    timer.join()
    assert sink.last_status("s") == "interrupted"
    assert sink.last_status("after") == "cancelled"
    assert "slow" not in rt.namespace
    rt.edit_cell("s", "slow = 2")
    rt.run_cells(["s"])
    assert rt.namespace["y"] == 3


# ----- misc ---------------------------------------------------------------------------------
def test_variables_panel_rows():
    rt, sink = make(("a", "x = 1\ns = 'a' * 500"), ("b", "y = x + 1"), ("c", "print(x, y)"))
    rows = {v.name: v for v in rt.variables()}
    assert set(rows) == {"s", "x", "y"}
    assert rows["x"].type_name == "int" and rows["x"].repr == "1"
    assert rows["x"].defined_by == "a" and rows["x"].used_by == ("b", "c")
    assert len(rows["s"].repr) <= 80


def test_set_cells_syncs_removed_and_changed_cells():
    rt, sink = make(("a", "x = 1"), ("b", "y = x"))
    rt.set_cells([("b", "y = x"), ("c", "q = 3")])
    assert rt.cells() == ["b", "c"] and "x" not in rt.namespace
    assert rt.is_stale("c") and not rt.is_stale("b")


def test_del_of_another_cells_name_runs_after_its_readers():
    rt, sink = make(("a", "x = [1]"), ("k", "del x"), ("r", "y = len(x)"))
    assert rt.namespace["y"] == 1 and "x" not in rt.namespace
    assert sink.last_status("k") == "idle"


def test_supplied_namespace_is_used():
    ns: dict = {"__name__": "__main__", "preset": 41}
    rt = Runtime(CollectingSink(), namespace=ns)
    rt.set_cells([("a", "answer = preset + 1")])
    rt.run_all()
    assert ns["answer"] == 42 and rt.namespace is ns


def test_print_sink_writes_like_a_script():
    out, err = io.StringIO(), io.StringIO()
    rt = Runtime(PrintSink(out, err))
    rt.set_cells([("a", "print('hello')\n40 + 2"), ("b", "1/0")])
    rt.run_all()
    assert out.getvalue() == "hello\n42\n"
    assert "ZeroDivisionError" in err.getvalue() and '<cell 2>' in err.getvalue()


def test_set_mode_rejects_unknown_modes():
    rt = Runtime(CollectingSink())
    with pytest.raises(ValueError):
        rt.set_mode("eager")  # type: ignore[arg-type]
