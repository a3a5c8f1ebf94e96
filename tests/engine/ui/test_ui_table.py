"""reflow.ui.table and data frame paging: never all rows, sorting, selection."""

from __future__ import annotations

import json

import pytest

import reflow
from reflow.ui._table import cell_json, frame_library

ROWS = [{"name": f"n{i}", "size": (i * 7) % 10, "maybe": None if i % 3 == 0 else i} for i in range(45)]


def test_first_page_only_in_the_payload():
    t = reflow.ui.table(ROWS, page_size=10)
    props = t._payload()["props"]
    assert props["total"] == 45 and len(props["rows"]) == 10 and props["indices"] == list(range(10))
    assert props["columns"] == ["name", "size", "maybe"]
    json.dumps(t._repr_mimebundle_())


def test_pages_and_sorting():
    t = reflow.ui.table(ROWS, page_size=10)
    last = t.page(4)
    assert last["indices"] == list(range(40, 45)) and last["total"] == 45
    asc = t.page(0, {"column": "size", "descending": False})
    sizes = [r[1] for r in asc["rows"]]
    assert sizes == sorted(sizes) and sizes[0] == 0
    desc = t.page(0, {"column": "maybe", "descending": True})
    assert desc["rows"][0][2] == 44
    # missing values go last in both directions
    tail = t.page(4, {"column": "maybe", "descending": True})
    assert all(r[2] is None for r in tail["rows"])
    assert t.page(0, {"column": "nope"})["indices"] == list(range(10))


def test_selection_value_uses_original_positions():
    t = reflow.ui.table(ROWS)
    t._update([3, 40])
    assert [r["name"] for r in t.value] == ["n3", "n40"]
    assert t._payload()["value"] == [3, 40]
    single = reflow.ui.table(ROWS, selection="single")
    single._update([1, 2])
    assert [r["name"] for r in single.value] == ["n2"]
    none = reflow.ui.table(ROWS, selection=None)
    none._update([1])
    assert none.value == []


def test_dict_of_columns_and_plain_values():
    t = reflow.ui.table({"a": [1, 2], "b": ["x", "y"]})
    assert t.page(0)["rows"] == [[1, "x"], [2, "y"]]
    p = reflow.ui.table([5, 3, 9])
    assert p.page(0, {"column": "value", "descending": False})["rows"] == [[3], [5], [9]]


def test_mixed_types_sort_without_raising():
    t = reflow.ui.table([{"v": 1}, {"v": "a"}, {"v": 2.5}, {"v": None}])
    assert t.page(0, {"column": "v", "descending": False})["total"] == 4


def test_cell_json():
    import datetime as dt

    assert cell_json(float("nan")) is None
    assert cell_json(dt.date(2024, 1, 2)) == "2024-01-02"
    assert cell_json(object()).startswith("<object")
    assert len(cell_json("x" * 5000)) < 1100


def test_selection_kept_when_the_same_data_is_shown_again(make_runtime):
    from reflow.ui._updates import apply_updates

    rt, _ = make_runtime(f"rows = {ROWS!r}", "import reflow\nt = reflow.ui.table(rows)", "picked = len(t.value)")
    apply_updates(rt, [("c1-0", [1, 2])])
    assert rt.namespace["picked"] == 2
    rt.run_cells(["c1"])
    assert rt.namespace["picked"] == 2


def test_frame_library_detection_without_importing():
    assert frame_library([1]) is None
    assert frame_library({}) is None


def test_pandas_million_rows_pages():
    """A million rows: one page travels, sorting pages the whole frame (timed in benchmarks/table_paging.py)."""
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    df = pd.DataFrame({"a": np.arange(1_000_000), "b": np.random.default_rng(0).random(1_000_000)})
    t = reflow.ui.table(df, selection="multi")
    payload = t._payload()
    assert payload["props"]["total"] == 1_000_000 and len(payload["props"]["rows"]) == 25
    assert len(json.dumps(t._repr_mimebundle_())) < 200_000
    page = t.page(1000, {"column": "b", "descending": True})
    assert len(page["rows"]) == 25
    assert [r[1] for r in page["rows"]] == sorted(df["b"], reverse=True)[25_000:25_025]
    t._update([5, 7])
    assert list(t.value["a"]) == [5, 7]


def test_polars_frame_pages():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"a": [3, 1, 2], "b": ["x", "y", "z"]})
    t = reflow.ui.table(df)
    assert t.page(0, {"column": "a", "descending": False})["rows"] == [[1, "y"], [2, "z"], [3, "x"]]
    t._update([0])
    assert t.value.height == 1
