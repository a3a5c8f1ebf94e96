"""Redefinition semantics of the Runtime: chains, writer tracking, moves, deletes, strict mode."""

from __future__ import annotations

from reflow.runtime import CollectingSink, Runtime


def make(*cells: tuple[str, str], mode: str = "auto", strict: bool = False) -> tuple[Runtime, CollectingSink]:
    sink = CollectingSink()
    rt = Runtime(sink, mode=mode, strict=strict)
    rt.set_cells(list(cells))
    rt.run_all()
    return rt, sink


def ran(sink: CollectingSink) -> list[str]:
    return [e[1] for e in sink.events if e[0] == "status" and e[2] == "running"]


def test_jupyter_style_redefinitions_run_top_to_bottom():
    rt, sink = make(("a", "df = [1, 2]"), ("r1", "print(len(df))"), ("b", "df = df + [3]"),
                    ("r2", "print(len(df))"), ("c", "df = 'text'"), ("r3", "df"))
    assert sink.stdout("r1") == "2\n" and sink.stdout("r2") == "3\n"
    assert sink.outputs["r3"] == "text"
    assert rt.namespace["df"] == "text"
    assert sink.errors == {}


def test_rerunning_x_equals_x_plus_one_reruns_the_definer_above_first():
    rt, sink = make(("a", "x = 1"), ("b", "x = x + 1"), ("r", "y = x * 10"))
    sink.reset()
    rt.run_cells(["b"])
    assert ran(sink) == ["a", "b", "r"]
    assert rt.namespace["x"] == 2 and rt.namespace["y"] == 20


def test_rerunning_a_mutator_never_mutates_twice():
    rt, sink = make(("a", "lst = [0]"), ("m", "lst[0] += 1"), ("r", "print(lst)"))
    for _ in range(3):
        rt.run_cells(["m"])
    assert rt.namespace["lst"] == [1]
    assert sink.stdout("r") == "[1]\n"


def test_mutator_reads_the_version_above_and_readers_below_read_the_mutated_one():
    rt, sink = make(("a", "d = {}"), ("r1", "print(len(d))"), ("m", "d['k'] = 1"), ("r2", "print(len(d))"))
    assert sink.stdout("r1") == "0\n" and sink.stdout("r2") == "1\n"
    sink.reset()
    rt.run_cells(["r1"])  # the namespace holds the mutated dict: a re-runs, then m (the last writer)
    assert sink.stdout("r1") == "0\n"
    assert rt.namespace["d"] == {"k": 1}
    assert ran(sink)[:2] == ["a", "r1"] and "m" in ran(sink)


def test_reader_between_two_definers_reads_the_upper_and_the_lower_ends_as_writer():
    rt, sink = make(("a", "x = 1"), ("r", "print(x)"), ("b", "x = 2"))
    sink.reset()
    rt.run_cells(["r"])
    assert sink.stdout("r") == "1\n"
    assert rt.namespace["x"] == 2
    assert ran(sink) == ["a", "r", "b"]


def test_editing_the_upper_definer_reruns_the_lower_so_it_ends_as_the_writer():
    rt, sink = make(("a", "x = 1"), ("r1", "print(x)"), ("b", "x = [2]"), ("m", "x[0] += 1"), ("r2", "print(x)"))
    sink.reset()
    rt.edit_cell("a", "x = 10")
    rt.run_cells(["a"])
    assert sink.stdout("r1") == "10\n" and sink.stdout("r2") == "[3]\n"
    # b re-binds x to a new object, so what mutates or reads it re-runs too
    assert rt.namespace["x"] == [3]
    assert ran(sink) == ["a", "r1", "b", "m", "r2"]


def test_read_with_no_definer_above_is_a_clear_error_naming_the_definers_below():
    rt, sink = make(("r", "print(x)"), ("a", "x = 1"), ("b", "x = 2"))
    err = sink.errors["r"]
    assert err.ename == "NameError"
    assert "defined only below" in err.message and err.cells == ("a", "b")
    assert sink.last_status("r") == "error"
    assert rt.namespace["x"] == 2


def test_deleting_a_redefinition_rebinds_the_readers_below():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"), ("r", "y = x"))
    assert rt.namespace["y"] == 2
    rt.delete_cell("b")
    assert rt.namespace["x"] == 1 and rt.namespace["y"] == 1


def test_deleting_the_last_definer_restores_the_one_above():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"))
    rt.delete_cell("b")
    assert rt.namespace["x"] == 1


def test_editing_a_redefinition_away_rebinds_its_readers():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"), ("r", "y = x"))
    rt.edit_cell("b", "z = 0")
    rt.run_cells(["b"])
    assert rt.namespace["x"] == 1 and rt.namespace["y"] == 1


def test_moving_a_reader_above_a_redefinition_rebinds_it():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"), ("r", "y = x"))
    rt.set_order(["a", "r", "b"])
    assert rt.namespace["y"] == 1 and rt.namespace["x"] == 2


def test_swapping_two_definers_changes_the_final_value():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"))
    rt.set_order(["b", "a"])
    assert rt.namespace["x"] == 1


def test_moving_the_only_definer_below_its_reader_keeps_order_free_semantics():
    rt, sink = make(("a", "x = 1"), ("r", "y = x"))
    sink.reset()
    rt.set_order(["r", "a"])
    assert ran(sink) == []  # an order-free name: nothing re-binds
    assert rt.namespace["y"] == 1


def test_lazy_mode_marks_the_lower_definer_stale_and_run_stale_restores_it():
    rt, sink = make(("a", "x = 1"), ("r", "print(x)"), ("b", "x = 2"), mode="lazy")
    rt.run_cells(["r"])
    assert sink.stdout("r") == "1\n"
    assert rt.is_stale("b") and rt.namespace["x"] == 1
    rt.run_stale()
    assert rt.namespace["x"] == 2 and rt.stale_cells() == []


def test_variables_panel_shows_a_redefined_name_once_from_its_writer():
    rt, _sink = make(("a", "x = 1"), ("b", "x = 2"), ("r", "y = x"))
    rows = [v for v in rt.variables() if v.name == "x"]
    assert len(rows) == 1 and rows[0].defined_by == "b"


def test_failing_redefinition_blocks_its_readers_like_a_fresh_run():
    rt, sink = make(("a", "x = 1"), ("b", "x = 1 / 0"), ("r", "y = x"))
    assert sink.errors["b"].ename == "ZeroDivisionError"
    assert sink.last_status("r") == "ancestor-error"
    assert "x" not in rt.namespace


def test_strict_mode_and_switching_it():
    rt, sink = make(("a", "x = 1"), ("b", "x = 2"), strict=True)
    assert sink.errors["a"].kind == "multiple-definition"
    rt.set_strict(False)
    assert sink.errors == {}
    assert rt.namespace["x"] == 2
    rt.set_strict(True)
    assert sink.errors["b"].kind == "multiple-definition"


def test_strict_mode_treats_mutations_as_plain_reads():
    rt, _sink = make(("a", "lst = [0]"), ("m", "lst[0] += 1"), strict=True)
    rt.run_cells(["m"])
    assert rt.namespace["lst"] == [2]  # the old rule: mutations are not tracked
