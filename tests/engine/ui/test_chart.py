"""reflow.ui.chart: Vega-Lite store entries and Plotly point indices from the page become
rows / points; hostile selections are refused whole; readers re-run, the defining cell not.

The specs and figures here are the JSON Altair 6 and plotly.py 6 emit (the dev environment
has neither); ``test_real_altair_and_plotly_objects`` runs the same conversions on real
objects in a uv environment.
"""

from __future__ import annotations

import base64
import json
import math
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import reflow
from reflow.ui._chart_vega import MAX_ENTRIES
from reflow.ui._updates import apply_updates

ROOT = Path(__file__).resolve().parents[3]

ROWS = [
    {"x": 1, "y": 4, "c": "a", "d": "2024-01-01"},
    {"x": 2, "y": 3, "c": "b", "d": "2024-01-02"},
    {"x": 3, "y": 2, "c": "a", "d": "2024-01-03"},
    {"x": 4, "y": 1, "c": "b", "d": "2024-01-04"},
]


def scatter(*params: dict[str, Any], mark: str = "point") -> dict[str, Any]:
    """A scatter plot as Altair writes it: data in "datasets", params at the top."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "data": {"name": "data-1"},
        "datasets": {"data-1": ROWS},
        "mark": {"type": mark},
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
            "color": {"field": "c", "type": "nominal"},
        },
        "params": list(params),
    }


BRUSH = {"name": "brush", "select": {"type": "interval"}}


def brush(x: list[float], y: list[float]) -> dict[str, Any]:
    return {
        "selections": {"brush": [[{"field": "x", "type": "R", "value": x}, {"field": "y", "type": "R", "value": y}]]}
    }


def test_interval_selection_is_the_rows_inside_the_brush():
    chart = reflow.ui.chart(scatter(BRUSH))
    assert chart.value == []  # nothing selected: no rows
    chart._update(brush([1.5, 3.2], [0, 10]))
    assert chart.value == [ROWS[1], ROWS[2]]
    chart._update(brush([3.2, 1.5], [2.5, 10]))  # ends in either order
    assert chart.value == [ROWS[1]]
    assert chart._payload()["value"] == brush([1.5, 3.2], [2.5, 10])
    chart._update({"selections": {"brush": []}})  # brush cleared
    assert chart.value == [] and chart._payload()["value"] is None


def test_point_selection_without_fields_selects_by_the_marks_encoded_fields():
    bars = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json",
        "data": {"values": ROWS},
        "mark": "bar",
        "encoding": {"x": {"field": "c", "type": "nominal"}, "y": {"aggregate": "count", "type": "quantitative"}},
        "params": [{"name": "pick", "select": "point"}, {"name": "zoom", "select": "interval", "bind": "scales"}],
    }
    chart = reflow.ui.chart(bars)
    props = chart._payload()["props"]
    assert props["mime"] == "application/vnd.vegalite.v5+json"
    assert props["params"] == ["pick"]  # zoom/pan is not a selection
    # the click selects by the bar's category (x), never by Vega's internal row ids
    assert props["spec"]["params"][0]["select"] == {"type": "point", "encodings": ["x"]}
    chart._update({"selections": {"pick": [[{"field": "c", "type": "E", "value": "b"}]]}})
    assert chart.value == [ROWS[1], ROWS[3]]
    # shift-click adds an entry: the union
    chart._update(
        {
            "selections": {
                "pick": [[{"field": "c", "type": "E", "value": "b"}], [{"field": "c", "type": "E", "value": "a"}]]
            }
        }
    )
    assert chart.value == ROWS


def test_point_fields_given_by_the_user_are_kept_and_entries_match_all_their_fields():
    chart = reflow.ui.chart(scatter({"name": "p", "select": {"type": "point", "fields": ["x", "c"]}}))
    assert chart._payload()["props"]["spec"]["params"][0]["select"] == {"type": "point", "fields": ["x", "c"]}
    entry = [{"field": "x", "type": "E", "value": 3}, {"field": "c", "type": "E", "value": "a"}]
    chart._update({"selections": {"p": [entry]}})
    assert chart.value == [ROWS[2]]
    entry[1]["value"] = "b"  # x=3 and c=b: no such row
    chart._update({"selections": {"p": [entry]}})
    assert chart.value == []


def test_discrete_interval_bins_and_two_params_intersect():
    pick = {"name": "pick", "select": {"type": "point", "fields": ["c"]}}
    chart = reflow.ui.chart(scatter(BRUSH, pick))
    both = {
        "selections": {
            "brush": [[{"field": "x", "type": "R-RE", "value": [1, 3]}]],  # a bin: [1, 3)
            "pick": [[{"field": "c", "type": "E", "value": ["a", "zzz"]}]],  # a list: any of them
        }
    }
    chart._update(both)
    assert chart.value == [ROWS[0]]  # x in [1, 3) and c == "a"
    del both["selections"]["pick"]
    chart._update(both)
    assert chart.value == [ROWS[0], ROWS[1]]  # a param with no entries does not filter


def test_temporal_fields_compare_as_milliseconds_like_vega():
    spec = scatter(BRUSH)
    spec["encoding"]["x"] = {"field": "d", "type": "temporal"}
    chart = reflow.ui.chart(spec)
    day = 86_400_000
    jan2 = 1704153600000  # 2024-01-02 UTC: Vega reads a bare date as UTC
    chart._update({"selections": {"brush": [[{"field": "d", "type": "R", "value": [jan2, jan2 + day]}]]}})
    assert chart.value == [ROWS[1], ROWS[2]]


@pytest.mark.parametrize(
    "bad",
    [
        "brush",
        {"selections": "brush"},
        {"selections": {"nope": []}},
        {"selections": {"brush": {"x": [1, 2]}}},
        {"selections": {"brush": [[{"field": "__proto__", "type": "R", "value": [1, 2]}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "R", "value": [1, 2, 3]}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "R", "value": ["a", "b"]}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "R", "value": [1, math.nan]}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "X", "value": 1}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "E", "value": {"$gt": 1}}]]}},
        {"selections": {"brush": [[{"field": "x", "type": "E", "value": 1, "extra": 1}]]}},
        {"selections": {"brush": [[]]}},
        {"selections": {"brush": [[{"field": "x", "type": "E", "value": 1}]] * (MAX_ENTRIES + 1)}},
        {"selections": {"brush": [[{"field": "x", "type": "E", "value": "x" * 200_000}]]}},
    ],
)
def test_hostile_vega_selections_are_refused_and_change_nothing(make_runtime, bad):
    rt, _ = make_runtime(
        f"import reflow\nsel = reflow.ui.chart({scatter(BRUSH)!r})", "picked = [r['x'] for r in sel.value]"
    )
    assert apply_updates(rt, [("c0-0", brush([0, 2], [0, 10]))])["cells"] == ["c1"]
    assert rt.namespace["picked"] == [1, 2]
    result = apply_updates(rt, [("c0-0", bad)])
    assert "c0-0" in result["errors"] and result["cells"] == []
    assert rt.namespace["sel"].value == [ROWS[0], ROWS[1]]  # the previous selection stands
    assert rt.namespace["sel"]._payload()["value"] == brush([0, 2], [0, 10])


def test_a_chart_needs_a_selection_and_inline_data():
    with pytest.raises(ValueError, match="no selection"):
        reflow.ui.chart(scatter())
    url = scatter(BRUSH)
    url["data"] = {"url": "https://example.com/data.json"}
    with pytest.raises(ValueError, match="inline"):
        reflow.ui.chart(url)
    with pytest.raises(TypeError, match="Altair chart"):
        reflow.ui.chart(42)


def test_mimebundle_carries_the_chart_for_other_readers_and_is_json():
    chart = reflow.ui.chart(scatter(BRUSH), label="pick rows")
    bundle = chart._repr_mimebundle_()
    assert bundle["application/vnd.vegalite.v6+json"]["params"] == [BRUSH]
    assert bundle["application/vnd.reflow.ui+json"]["kind"] == "chart"
    assert "Vega-Lite chart" in bundle["text/html"]
    json.dumps(bundle)


# --- Plotly ----------------------------------------------------------------------------


def typed(fmt: str, dtype: str, values: list[Any]) -> dict[str, str]:
    """plotly.py 6's typed array form of a numpy column."""
    return {"dtype": dtype, "bdata": base64.b64encode(struct.pack(f"<{len(values)}{fmt}", *values)).decode()}


FIGURE = {
    "data": [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "a",
            "x": typed("b", "i1", [1, 3]),
            "y": typed("d", "f8", [4.5, 2.0]),
        },
        {"type": "scatter", "mode": "markers", "name": "b", "x": [2, 4], "y": [3, 1], "customdata": [["r1"], ["r3"]]},
        {"type": "scatter", "name": "implicit x", "y": [7, 8, 9]},
    ],
    "layout": {"title": {"text": "t"}},
}


def test_plotly_points_are_read_from_the_figure_not_the_page():
    chart = reflow.ui.chart(FIGURE)
    props = chart._payload()["props"]
    assert props["mime"] == "application/vnd.plotly.v1+json"
    assert props["spec"]["layout"]["dragmode"] == "select"  # box select without a toolbar click
    assert chart.value == []
    chart._update({"points": [[1, 1], [0, 0], [1, 1], [2, 2]]})
    assert chart.value == [
        {"trace": 1, "name": "b", "point": 1, "x": 4, "y": 1, "customdata": ["r3"]},
        {"trace": 0, "name": "a", "point": 0, "x": 1, "y": 4.5},
        {"trace": 2, "name": "implicit x", "point": 2, "x": 2, "y": 9},
    ]
    assert chart.selections == {"points": [[1, 1], [0, 0], [2, 2]]}
    chart._update({"points": []})  # deselect
    assert chart.value == [] and chart._payload()["value"] is None
    chart._update({"points": [[1, 1], [1, 0]]})  # drawn again (a reopen): the same points show selected
    assert [t.get("selectedpoints") for t in chart._payload()["props"]["spec"]["data"]] == [[], [1, 0], []]
    own = reflow.ui.chart({**FIGURE, "layout": {"dragmode": "lasso"}})
    assert own._payload()["props"]["spec"]["layout"]["dragmode"] == "lasso"  # the figure's own choice stays


@pytest.mark.parametrize(
    "bad",
    [
        [[1, 1]],
        {"points": [[0, 2]]},
        {"points": [[3, 0]]},
        {"points": [[-1, 0]]},
        {"points": [[True, 0]]},
        {"points": [[0.5, 0]]},
        {"points": [[0, 0, 0]]},
        {"points": [{"curveNumber": 0, "pointNumber": 0}]},
        {"points": "0,0"},
        {"points": [[0, 0]] * 1_000_001},
    ],
)
def test_hostile_plotly_selections_are_refused(make_runtime, bad):
    rt, _ = make_runtime(f"import reflow\nfig = reflow.ui.chart({FIGURE!r})", "n = len(fig.value)")
    apply_updates(rt, [("c0-0", {"points": [[0, 1]]})])
    result = apply_updates(rt, [("c0-0", bad)])
    assert "c0-0" in result["errors"] and result["cells"] == []
    assert rt.namespace["fig"].value == [{"trace": 0, "name": "a", "point": 1, "x": 3, "y": 2.0}]


# --- reactivity ------------------------------------------------------------------------


def test_selection_reruns_readers_and_survives_unrelated_and_same_argument_reruns(make_runtime, ran):
    rt, sink = make_runtime(
        f"import reflow\nspec = {scatter(BRUSH)!r}",
        "sel = reflow.ui.chart(spec)",
        "picked = [r['x'] for r in sel.value]",
        "other = 1",
    )
    assert rt.namespace["picked"] == []
    mark = len(sink.events)
    result = apply_updates(rt, [("c1-0", brush([2, 4], [0, 10]))])
    assert result["cells"] == ["c2"] and ran(sink, mark) == ["c2"]  # the reader, not the chart's cell
    assert rt.namespace["picked"] == [2, 3, 4]
    rt.run_cells(["c3"])  # an unrelated cell
    rt.run_cells(["c1"])  # the chart's own cell, same spec: the user's selection stays
    assert rt.namespace["picked"] == [2, 3, 4]
    assert rt.namespace["sel"]._payload()["value"] == brush([2, 4], [0, 10])
    rt.edit_cell("c0", f"import reflow\nspec = {scatter(BRUSH, mark='circle')!r}")
    rt.run_cells(["c0"])  # a different chart: a fresh, empty selection
    assert rt.namespace["picked"] == []


def test_selection_is_kept_for_reopening_and_a_hostile_saved_one_is_dropped(make_runtime):
    from reflow.ui._core import REGISTRY
    from reflow.ui._persist import BOOK

    cells = (f"import reflow\nsel = reflow.ui.chart({scatter(BRUSH)!r}, label='cars')", "n = len(sel.value)")
    BOOK.clear()
    rt, _ = make_runtime(*cells)
    apply_updates(rt, [("c0-0", brush([0, 2], [0, 10]))])
    rt.run_cells(["c0"])  # the chart's cell again, same chart: the value is still the one to keep
    kept = BOOK.take_changes()
    assert kept == {"c0": {"chart[cars]#0": brush([0, 2], [0, 10])}}
    REGISTRY.clear()
    BOOK.load(kept)  # the next session
    rt2, _ = make_runtime(*cells)
    assert rt2.namespace["n"] == 2 and BOOK.take_fallbacks() == []
    REGISTRY.clear()
    BOOK.load({"c0": {"chart[cars]#0": {"selections": {"brush": [[{"field": "nope", "type": "E", "value": 1}]]}}}})
    rt3, _ = make_runtime(*cells)
    assert rt3.namespace["n"] == 0 and len(BOOK.take_fallbacks()) == 1
    BOOK.clear()


def test_lazy_mode_marks_readers_stale(make_runtime):
    rt, _ = make_runtime(f"import reflow\nsel = reflow.ui.chart({FIGURE!r})", "n = len(sel.value)", mode="lazy")
    result = apply_updates(rt, [("c0-0", {"points": [[0, 0], [1, 0]]})])
    assert result["cells"] == ["c1"] and rt.namespace["n"] == 0  # stale, not run
    assert len(rt.namespace["sel"].value) == 2


# --- real libraries (uv environment from PyPI) -----------------------------------------

REAL = """# /// script
# requires-python = ">=3.11"
# dependencies = ["altair", "plotly", "pandas"]
# ///

# %%
import altair as alt
import pandas as pd
import plotly.express as px
import reflow

df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [4, 3, 2, 1], "c": list("abab")})

# %%
brush = alt.selection_interval(name="brush")
sel = reflow.ui.chart(alt.Chart(df).mark_point().encode(x="x", y="y", color="c").add_params(brush))
assert isinstance(sel.value, pd.DataFrame) and sel.value.empty and list(sel.value.columns) == ["x", "y", "c"]
sel._update({"selections": {"brush": [[{"field": "x", "type": "R", "value": [1.5, 3.5]}]]}})
print("brush", sel.value.index.tolist())

# %%
bars = reflow.ui.chart(alt.Chart(df).mark_bar().encode(x="c", y="count()").add_params(alt.selection_point(name="p")))
bars._update({"selections": {"p": [[{"field": "c", "type": "E", "value": "b"}]]}})
print("bars", bars.value.index.tolist())

# %%
fig = reflow.ui.chart(px.scatter(df, x="x", y="y", color="c"))
fig._update({"points": [[1, 1]]})
print("plotly", [(p["name"], p["x"], p["y"]) for p in fig.value])
"""


@pytest.mark.uv
def test_real_altair_and_plotly_objects(tmp_path):
    nb = tmp_path / "nb.py"
    nb.write_text(REAL)
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    env.pop("REFLOW_ENVIRONMENTS", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")])
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", str(nb)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["brush [1, 2]", "bars [1, 3]", "plotly [('b', 4, 1)]"]
