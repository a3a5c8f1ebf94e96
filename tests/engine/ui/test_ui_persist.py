"""Kept element values (reflow.ui._persist): slots that survive a reopen, validation, what the kernel reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reflow import context
from reflow.runtime import CollectingSink, Runtime
from reflow.ui._persist import BOOK, MAX_VALUE_CHARS, MISSING, DoesNotFit, Slot, json_same, slot_key, valid_values
from reflow.ui._updates import apply_updates

DEFINE = (
    "import reflow\n"
    "n = reflow.ui.slider(0, 10, value=2, label='n')\n"
    "fruit = reflow.ui.dropdown(['apple', 'pear', 'plum'], value='apple', label='fruit')\n"
)
READ = "seen = (n.value, fruit.value)"


def runtime(cells: list[tuple[str, str]]) -> Runtime:
    rt = Runtime(CollectingSink())
    rt.set_cells(cells)
    rt.run_all()
    return rt


def reopen(kept: dict[str, dict[str, Any]], cells: list[tuple[str, str]]) -> Runtime:
    """A fresh kernel given ``kept`` (as the app gives it back, keyed by the new session's cell ids)."""
    from reflow.ui._core import REGISTRY

    REGISTRY.clear()
    BOOK.load(kept)
    return runtime(cells)


def test_values_chosen_in_one_session_are_used_by_the_next_sessions_run() -> None:
    rt = runtime([("a1", DEFINE), ("a2", READ)])
    assert rt.namespace["seen"] == (2, "apple")
    apply_updates(rt, [(rt.namespace["n"].element_id, 7), (rt.namespace["fruit"].element_id, "pear")])
    assert rt.namespace["seen"] == (7, "pear")
    kept = BOOK.take_changes()
    assert kept == {"a1": {"slider[n]#0": 7, "dropdown[fruit]#0": "pear"}}
    # the next session: other cell ids (the app matched the stored cell to "b1")
    rt2 = reopen({"b1": kept["a1"]}, [("b1", DEFINE), ("b2", READ)])
    assert rt2.namespace["seen"] == (7, "pear")
    assert BOOK.take_changes() == {}  # the app already holds exactly these
    assert BOOK.take_fallbacks() == []


def test_values_survive_reruns_of_the_defining_cell_and_edits_of_unrelated_cells() -> None:
    rt = runtime([("a1", DEFINE), ("a2", READ), ("a3", "other = 1")])
    apply_updates(rt, [(rt.namespace["n"].element_id, 9)])
    BOOK.take_changes()
    rt.run_cells(["a1"])
    rt.edit_cell("a3", "other = 2")
    rt.run_cells(["a3"])
    assert rt.namespace["seen"] == (9, "apple")
    assert BOOK.take_changes() == {}  # nothing changed for the app
    assert BOOK.values_of("a1") == {"slider[n]#0": 9}


def test_changed_arguments_reset_the_value_and_the_app_is_told() -> None:
    rt = runtime([("a1", DEFINE), ("a2", READ)])
    apply_updates(rt, [(rt.namespace["n"].element_id, 9)])
    BOOK.take_changes()
    rt.edit_cell("a1", DEFINE.replace("value=2", "value=3"))
    rt.run_cells(["a1"])
    assert rt.namespace["seen"] == (3, "apple")
    assert BOOK.take_changes() == {"a1": {}}


def test_keys_name_kind_label_and_occurrence_so_other_elements_do_not_shift_them() -> None:
    assert slot_key("slider", "", 0) == "slider#0"
    assert slot_key("dropdown", "  fruit \n kind ", 1) == "dropdown[fruit kind]#1"
    assert len(slot_key("text", "x" * 10_000, 0)) < 100
    saved = {"c": {"slider#0": 4, "slider#1": 6}}
    BOOK.load(saved)
    with context.running(None, "c"):
        import reflow

        reflow.ui.text()  # a new element of another kind in front: the sliders keep their keys
        s0, s1 = reflow.ui.slider(0, 10), reflow.ui.slider(0, 10)
    assert (s0.value, s1.value) == (4, 6)


def test_a_run_that_fails_before_making_its_elements_keeps_the_saved_values() -> None:
    BOOK.load({"b1": {"slider[n]#0": 7}})
    rt = runtime([("b1", "raise RuntimeError('not yet')\n" + DEFINE)])
    assert BOOK.take_changes() == {}
    assert BOOK.values_of("b1") == {"slider[n]#0": 7}
    rt.edit_cell("b1", DEFINE)
    rt.run_cells(["b1"])
    assert rt.namespace["n"].value == 7


def test_saved_values_the_run_did_not_use_are_dropped() -> None:
    BOOK.load({"b1": {"slider[n]#0": 7, "slider[gone]#0": 1}})
    runtime([("b1", DEFINE)])
    assert BOOK.take_changes() == {"b1": {"slider[n]#0": 7}}


def make(code: str, saved: Any) -> tuple[Any, list[str]]:
    """The element ``code`` makes in a cell whose first slot has ``saved`` kept; and the fallback messages."""
    import reflow

    element = eval(code, {"reflow": reflow, "dt": dt})
    kind = element.kind
    BOOK.clear()
    BOOK.load({"c": {slot_key(kind, "", 0): saved}})
    with context.running(None, "c"):
        element = eval(code, {"reflow": reflow, "dt": dt})
    return element.value, BOOK.take_fallbacks()


@pytest.mark.parametrize(
    "code, saved, expected",
    [
        ("reflow.ui.slider(0, 10)", 7, 7),
        ("reflow.ui.slider(0.0, 1.0)", 0.25, 0.25),
        ("reflow.ui.slider(steps=[1, 10, 100])", 2, 100),
        ("reflow.ui.range_slider(0, 10)", [2, 5], [2, 5]),
        ("reflow.ui.number(0, 10)", 3, 3),
        ("reflow.ui.text()", "hello", "hello"),
        ("reflow.ui.text_area()", "a\nb", "a\nb"),
        ("reflow.ui.checkbox()", True, True),
        ("reflow.ui.switch(True)", False, False),
        ("reflow.ui.dropdown({'one': 1, 'two': 2})", "two", 2),
        ("reflow.ui.dropdown(['a', 'b'])", None, None),  # allow_select_none (no value given)
        ("reflow.ui.radio(['a', 'b'], value='a')", "b", "b"),
        ("reflow.ui.multiselect(['a', 'b', 'c'])", ["c", "a"], ["c", "a"]),
        ("reflow.ui.date(dt.date(2024, 1, 1))", "2025-02-03", dt.date(2025, 2, 3)),
    ],
)
def test_a_saved_value_that_fits_is_used(code: str, saved: Any, expected: Any) -> None:
    assert make(code, saved) == (expected, [])


@pytest.mark.parametrize(
    "code, saved, default, why",
    [
        ("reflow.ui.slider(0, 5, value=2)", 9, 2, "is outside 0 to 5 now"),
        ("reflow.ui.slider(0, 5, value=2)", True, 2, "is not a number"),
        ("reflow.ui.slider(0, 5, value=2)", "3", 2, "is not a number"),
        ("reflow.ui.slider(0, 5, value=2)", 10**400, 2, "is outside"),
        ("reflow.ui.slider(0, 5, value=2)", 2.5, 2, "does not fit"),  # an integer slider
        ("reflow.ui.slider(steps=[1, 2])", 5, 1, "is not one of its 2 steps"),
        ("reflow.ui.range_slider(0, 10)", [2, 50], [0, 10], "is outside 0 to 10"),
        ("reflow.ui.range_slider(0, 10)", [5, 2], [0, 10], "does not fit"),
        ("reflow.ui.range_slider(0, 10)", 3, [0, 10], "is not a pair"),
        ("reflow.ui.number(0, 10)", 30, 0, "does not fit"),
        ("reflow.ui.number(0, 10)", "3", 0, "does not fit"),
        ("reflow.ui.text('x', max_length=3)", "toolong", "x", "is longer than 3"),
        ("reflow.ui.text('x')", 5, "x", "does not fit"),
        ("reflow.ui.checkbox()", "yes", False, "does not fit"),
        ("reflow.ui.checkbox()", 1, False, "does not fit"),
        ("reflow.ui.dropdown(['a', 'b'], value='a')", "c", "a", "is not one of its options now"),
        ("reflow.ui.dropdown(['a', 'b'], value='a')", None, "a", "is not an option label"),
        ("reflow.ui.dropdown(['1', '2'], value='1')", 2, "1", "is not an option label"),
        ("reflow.ui.multiselect(['a', 'b'])", ["a", "z"], [], "does not fit"),
        ("reflow.ui.multiselect(['a', 'b'], max_selections=1)", ["a", "b"], [], "has more than 1"),
        ("reflow.ui.date(dt.date(2024, 1, 1), stop='2024-12-31')", "2025-01-01", dt.date(2024, 1, 1), "is outside"),
        ("reflow.ui.date(dt.date(2024, 1, 1))", "soon", dt.date(2024, 1, 1), "does not fit"),
    ],
)
def test_a_saved_value_that_does_not_fit_falls_back_to_the_default_and_says_why(
    code: str, saved: Any, default: Any, why: str
) -> None:
    value, fallbacks = make(code, saved)
    assert value == default
    assert len(fallbacks) == 1 and why in fallbacks[0] and "starts from its default" in fallbacks[0]


@pytest.mark.parametrize("code", ["reflow.ui.button()", "reflow.ui.run_button()", "reflow.ui.file()"])
def test_buttons_and_files_keep_nothing(code: str) -> None:
    import reflow

    with context.running(None, "c"):
        element = eval(code, {"reflow": reflow})
    apply_updates(Runtime(CollectingSink()), [(element.element_id, [] if element.kind == "file" else 1)])
    assert BOOK.take_changes() == {}


def test_hostile_values_from_the_app_are_dropped_before_use() -> None:
    nested: Any = []
    for _ in range(100):
        nested = [nested]
    raw = {
        "ok": {"slider#0": 1, "text#0": "x" * (MAX_VALUE_CHARS + 1), "n#0": float("nan"), "d#0": nested, 3: 4},
        "not-a-dict": [1, 2],
        5: {"slider#0": 1},
        "many": {f"slider#{i}": i for i in range(5_000)},
    }
    values = valid_values(raw)
    assert values["ok"] == {"slider#0": 1}
    assert set(values) == {"ok", "many"} and len(values["many"]) == 1_000
    assert valid_values(["junk"]) == {} and valid_values(None) == {}
    BOOK.load("junk")  # never raises
    assert BOOK.values_of("ok") == {}
    assert make("reflow.ui.slider(0, 5, value=2)", float("nan")) == (2, [])  # dropped before any element sees it


def test_restore_and_keep_are_reusable_for_other_kinds_of_elements() -> None:
    """The calls an ipywidgets bridge makes: slot while the cell runs, restore with its own check, keep."""
    BOOK.load({"c": {"IntSlider[x]#0": 4, "IntSlider[x]#1": "junk"}})
    with context.running(None, "c"):
        first, second = BOOK.slot("IntSlider", "x"), BOOK.slot("IntSlider", "x")
        assert first == Slot("c", "IntSlider[x]#0")

        def accept(v: Any) -> int:
            if type(v) is not int:
                raise DoesNotFit("is not an integer")
            return v

        assert BOOK.restore(first, accept, 'IntSlider "x"') == 4
        assert BOOK.restore(second, accept, 'IntSlider "x"') is MISSING
    assert BOOK.take_fallbacks() == [
        'IntSlider "x": the saved value "junk" is not an integer; it starts from its default.'
    ]
    BOOK.keep(second, 8)
    assert BOOK.take_changes() == {"c": {"IntSlider[x]#0": 4, "IntSlider[x]#1": 8}}
    assert BOOK.slot("IntSlider") is None  # outside a cell run: nothing to key it by


def test_json_same_is_strict() -> None:
    assert json_same(1, 1.0) and json_same([1, "a"], (1, "a")) and json_same({"a": None}, {"a": None})
    assert not json_same(True, 1) and not json_same(float("nan"), float("nan")) and not json_same("1", 1)
    assert not json_same({"a": 1}, {"b": 1}) and not json_same(object(), object())


def test_a_refused_value_leaves_no_trace_on_the_element() -> None:
    """``_convert`` may set attributes on its way (a table's or a chart's selection): undone when refused."""
    from reflow.ui._core import UIElement

    class picky(UIElement):
        kind = "picky"

        def __init__(self) -> None:
            self.note = "fresh"
            super().__init__(0, {})

        def _convert(self, value: Any) -> Any:
            self.note = f"converted {value}"
            return value * 2  # never round-trips: always refused

    BOOK.load({"c": {"picky#0": 3}})
    with context.running(None, "c"):
        element = picky()
    assert (element.value, element.note) == (0, "fresh")
    assert BOOK.take_fallbacks() == ["A picky: the saved value 3 does not fit it now; it starts from its default."]
