"""reflow.ui elements: ids, kept values, conversions, rendering."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import sys

import pytest

import reflow
from reflow.ui import UI_MIME
from reflow.ui._updates import apply_updates


def test_import_reflow_stays_cheap():
    code = "import reflow, sys; print(any(m.startswith('reflow.ui') or m == 'reflow.md' for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(__import__("pathlib").Path(reflow.__file__).parents[1])},
    )
    assert out.stdout.strip() == "False", out.stderr


def test_lazy_exports():
    assert callable(reflow.md) and callable(reflow.state) and callable(reflow.stop)
    assert reflow.ui.slider is not None and reflow.hstack is not None
    importlib.import_module("reflow.md")  # importing the module must not hide the function
    assert callable(reflow.md)
    assert reflow.md("x").text == "x"


def test_ids_are_cell_and_counter_and_stable_across_reruns(make_runtime):
    rt, _ = make_runtime("import reflow\na = reflow.ui.slider(0, 10)\nb = reflow.ui.text()", "c = 1")
    assert (rt.namespace["a"].element_id, rt.namespace["b"].element_id) == ("c0-0", "c0-1")
    first = rt.namespace["a"]
    rt.run_cells(["c0"])
    assert rt.namespace["a"] is not first
    assert rt.namespace["a"].element_id == "c0-0"


def test_value_kept_on_rerun_with_same_args_and_reset_when_args_change(make_runtime):
    rt, _ = make_runtime("import reflow\ns = reflow.ui.slider(0, 10, value=2)")
    apply_updates(rt, [("c0-0", 7)])
    rt.run_cells(["c0"])
    assert rt.namespace["s"].value == 7
    rt.edit_cell("c0", "import reflow\ns = reflow.ui.slider(0, 10, value=3)")
    rt.run_cells(["c0"])
    assert rt.namespace["s"].value == 3


def test_values_survive_unrelated_reruns(make_runtime):
    rt, _ = make_runtime("import reflow\ns = reflow.ui.slider(0, 10)", "other = 1")
    apply_updates(rt, [("c0-0", 9)])
    rt.run_cells(["c1"])
    assert rt.namespace["s"].value == 9


def test_restored_values_from_the_app_are_used_once():
    # values saved by the app are keyed by cell and slot (reflow.ui._persist), no longer by element id
    from reflow import context
    from reflow.ui._persist import BOOK

    BOOK.load({"rx": {"slider#0": 4}})
    with context.running(None, "rx"):
        s = reflow.ui.slider(0, 10)
    assert s.value == 4
    with context.running(None, "rx"):
        s2 = reflow.ui.slider(0, 10)
    assert s2.value == 4  # kept from the previous run now, not from the restore


def test_mimebundle_has_payload_text_and_html():
    s = reflow.ui.slider(1, 9, step=2, value=5, label="odd")
    bundle = s._repr_mimebundle_()
    payload = bundle[UI_MIME]
    assert payload["kind"] == "slider" and payload["value"] == 5
    assert payload["props"]["label"] == "odd" and payload["props"]["step"] == 2
    assert 'type="range"' in bundle["text/html"] and "odd" in bundle["text/html"]
    assert "slider" in bundle["text/plain"]
    json.dumps(bundle)


@pytest.mark.parametrize(
    "make, json_value, expected",
    [
        (lambda: reflow.ui.slider(0, 10), 3.0, 3),
        (lambda: reflow.ui.slider(0, 10), 99, 10),
        (lambda: reflow.ui.slider(0.0, 1.0, 0.1), "0.3", 0.3),
        (lambda: reflow.ui.slider(steps=[1, 10, 100]), 2, 100),
        (lambda: reflow.ui.range_slider(0, 10), [8, 2], [2, 8]),
        (lambda: reflow.ui.number(0, 5), 9, 5),
        (lambda: reflow.ui.number(), None, None),
        (lambda: reflow.ui.text(), "hi", "hi"),
        (lambda: reflow.ui.text_area(), "a\nb", "a\nb"),
        (lambda: reflow.ui.checkbox(), 1, True),
        (lambda: reflow.ui.switch(True), False, False),
        (lambda: reflow.ui.dropdown({"one": 1, "two": 2}), "two", 2),
        (lambda: reflow.ui.dropdown(["a", "b"], value="a"), None, None),
        (lambda: reflow.ui.radio(["x", "y"]), "y", "y"),
        (lambda: reflow.ui.multiselect({"A": 1, "B": 2, "C": 3}), ["C", "A", "nope"], [3, 1]),
        (lambda: reflow.ui.date("2024-01-02"), "2025-03-04", dt.date(2025, 3, 4)),
        (lambda: reflow.ui.run_button(), {}, True),
    ],
)
def test_json_to_python(make, json_value, expected):
    element = make()
    element._update(json_value)
    assert element.value == expected


def test_to_json_round_trips_labels():
    d = reflow.ui.dropdown({"one": 1, "two": 2}, value="two")
    assert d.value == 2 and d._payload()["value"] == "two"
    m = reflow.ui.multiselect(["a", "b"], value=["b"])
    assert m._payload()["value"] == ["b"]
    day = reflow.ui.date(dt.date(2024, 5, 6))
    assert day._payload()["value"] == "2024-05-06"
    with pytest.raises(ValueError):
        reflow.ui.dropdown(["a"], value="zzz")


def test_button_counts_and_on_click():
    b = reflow.ui.button("go")
    b._update(None)
    b._update(None)
    assert b.value == 2
    c = reflow.ui.button("go", value=10, on_click=lambda v: v * 2)
    c._update(None)
    assert c.value == 20


def test_file_upload_decodes_base64_and_never_sends_bytes_back():
    f = reflow.ui.file(multiple=True)
    f._update([{"name": "a.txt", "data": "aGVsbG8="}])
    assert f.value == [{"name": "a.txt", "bytes": b"hello"}]
    assert f.contents() == b"hello" and f.name() == "a.txt"
    assert f._payload()["value"] == [{"name": "a.txt", "size": 5}]


def test_on_change_is_called():
    seen = []
    t = reflow.ui.text(on_change=seen.append)
    t._update("x")
    assert seen == ["x"]


def test_containers_payloads_and_values():
    arr = reflow.ui.array([reflow.ui.slider(0, 5, value=1), reflow.ui.text("t")])
    assert arr.value == [1, "t"]
    payload = arr._payload()
    assert [c["kind"] for c in payload["props"]["children"]] == ["slider", "text"]
    d = reflow.ui.dictionary({"n": reflow.ui.number(value=3), "ok": reflow.ui.checkbox()})
    assert d.value == {"n": 3, "ok": False}
    arr[0]._update(4)
    assert arr.value == [4, "t"]
    assert arr._payload()["props"]["children"][0]["value"] == 4


def test_form_value_only_on_submit():
    inner = reflow.ui.text()
    f = inner.form(submit_label="Go")
    assert f.value is None
    assert f._payload()["props"]["submit_label"] == "Go"
    f._update("typed")
    assert f.value == "typed" and inner.value == "typed"


def test_element_formats_as_placeholder_in_fstrings():
    s = reflow.ui.slider(0, 3)
    assert f"{s}" == f'<span data-reflow-el="{s.element_id}"></span>'
