"""SQL cells in a real kernel: DuckDB over pandas and polars frames and a Parquet file, in the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pd = pytest.importorskip("pandas")
pytest.importorskip("polars")
pytest.importorskip("pyarrow")

UI_MIME = "application/vnd.reflow.ui+json"


def sql(cid: str, query: str, **options: object) -> dict:
    return {"id": cid, "kind": "code", "code": query, "options": {"language": "sql", **options}}


def code(cid: str, source: str) -> dict:
    return {"id": cid, "kind": "code", "code": source}


def table_of(outputs: list[dict]) -> dict:
    """The paginated table an SQL cell shows (the data-frame renderer's payload)."""
    tables = [o["data"][UI_MIME] for o in outputs if o.get("kind") == "data" and UI_MIME in o.get("data", {})]
    assert tables, outputs
    return tables[-1]["props"]


def errors_of(outputs: list[dict]) -> list[str]:
    return [o["error"]["message"] for o in outputs if o.get("kind") == "error"]


async def test_sql_over_a_pandas_frame_binds_a_pandas_result(kernel):
    await kernel.open(
        [
            code("a", "import pandas as pd\nsales = pd.DataFrame({'region': ['n', 's', 'n'], 'amount': [1, 2, 3]})"),
            sql(
                "q",
                "SELECT region, SUM(amount)::INTEGER AS total\nFROM sales\nGROUP BY region\nORDER BY region",
                name="totals",
            ),
            code("c", "type(totals).__module__.split('.')[0], totals['total'].tolist()"),
        ]
    )
    props = table_of(kernel.outputs("q"))
    assert props["columns"] == ["region", "total"] and props["total"] == 2 and props["frame"] == "pandas"
    assert "('pandas', [4, 2])" in kernel.outputs("c")[-1]["data"]["text/plain"]


async def test_sql_over_a_polars_frame_with_polars_output_and_a_parameter(kernel):
    await kernel.open(
        [
            code("a", "import polars as pl\nlimit = 1\npoints = pl.DataFrame({'x': [1, 2, 3]})"),
            sql("q", "SELECT x * 10 AS y FROM points WHERE x > {limit} ORDER BY y", name="big", output="polars"),
            code("c", "type(big).__module__.split('.')[0], big['y'].to_list()"),
        ]
    )
    assert table_of(kernel.outputs("q"))["frame"] == "polars"
    assert "('polars', [20, 30])" in kernel.outputs("c")[-1]["data"]["text/plain"]


async def test_sql_reads_a_parquet_file(kernel, tmp_path: Path):
    pd.DataFrame({"k": ["a", "b", "c"], "v": [3, 1, 2]}).to_parquet(tmp_path / "data.parquet")
    await kernel.open(
        [
            sql("q", "SELECT k FROM 'data.parquet' WHERE v >= 2 ORDER BY k", name="picked"),
            code("c", "list(picked['k'])"),
        ]
    )
    assert kernel.outputs("c")[-1]["data"]["text/plain"] == "['a', 'c']"


async def test_editing_the_upstream_frame_reruns_the_sql_cell_and_its_readers(kernel):
    await kernel.open(
        [
            code("a", "import pandas as pd\ndf = pd.DataFrame({'n': [1, 2]})"),
            sql("q", "SELECT SUM(n)::INTEGER AS s FROM df", name="summed"),
            code("c", "int(summed['s'][0])"),
        ]
    )
    assert kernel.outputs("c")[-1]["data"]["text/plain"] == "3"
    graph = kernel.since(0, "graph")[-1]
    assert graph is not None
    mark = kernel.mark()
    await kernel.op(
        {"type": "run", "cells": [{"id": "a", "code": "import pandas as pd\ndf = pd.DataFrame({'n': [10, 20]})"}]}
    )
    assert kernel.outputs("c", mark)[-1]["data"]["text/plain"] == "30"  # a -> q -> c re-ran by themselves
    assert table_of(kernel.outputs("q", mark))["rows"] == [[30]]


async def test_a_bad_query_is_a_clear_error_and_stops_its_readers(kernel):
    await kernel.open(
        [
            code("a", "import pandas as pd\ndf = pd.DataFrame({'n': [1]})"),
            sql("q", "SELECT nope FROM df", name="out"),
            code("c", "out"),
        ]
    )
    messages = errors_of(kernel.outputs("q"))
    assert messages and "nope" in messages[-1]
    assert kernel.last_status("c") == "ancestor-error"


async def test_turning_a_code_cell_into_sql_through_its_options(kernel):
    await kernel.open([code("a", "import pandas as pd\ndf = pd.DataFrame({'n': [5]})"), code("q", "")])
    mark = kernel.mark()
    await kernel.op(
        {
            "type": "apply_transaction",
            "changes": [
                {"op": "set_code", "id": "q", "code": "SELECT n + 1 AS m FROM df"},
                {"op": "set_options", "id": "q", "options": {"language": "sql", "name": "res"}},
            ],
        }
    )
    await kernel.op({"type": "run", "cells": [{"id": "q"}]})
    assert table_of(kernel.outputs("q", mark))["rows"] == [[6]]


def test_without_duckdb_the_error_is_the_one_the_packages_flow_offers_to_install(monkeypatch):
    """The kernel's message is a ModuleNotFoundError naming duckdb: the app offers "install duckdb"."""
    import sys

    from reflow.kernel.sql import run_sql
    from reflow_desktop.envs.install_hints import install_suggestion

    monkeypatch.setitem(sys.modules, "duckdb", None)  # as if duckdb were not installed
    with pytest.raises(ModuleNotFoundError) as caught:
        run_sql("SELECT 1", {}, {})
    assert caught.value.name == "duckdb"
    assert install_suggestion(str(caught.value)) == "duckdb"
