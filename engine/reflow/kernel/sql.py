"""Run an SQL cell's query with DuckDB inside the kernel.

``reflow.notebook.sql_cells.kernel_source`` turns an SQL cell into one call of ``run_sql``: the
tables the query names that are Python globals (data frames, Arrow tables, DuckDB relations) are
registered on a fresh in-memory connection under those names, ``{expr}`` interpolations arrive as
named parameters (values, never SQL text), and files are read by DuckDB itself
(``FROM 'data.parquet'``, ``read_csv(...)``). DuckDB is imported only when a query runs, so a
notebook without SQL cells never needs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any


class SqlError(Exception):
    """DuckDB refused or failed the query; the message is DuckDB's own."""


def _duckdb() -> Any:
    try:
        # The user's package, loaded by name: the engine itself depends on nothing but ipykernel.
        duckdb = importlib.import_module("duckdb")
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "No module named 'duckdb' (SQL cells run with DuckDB: add duckdb to the notebook's packages)",
            name="duckdb",
        ) from exc
    return duckdb


def _registrable(value: object) -> bool:
    """A frame-like object DuckDB can scan (pandas/polars frames, Arrow tables, relations)."""
    module = type(value).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow", "duckdb", "numpy")


def run_sql(query: str, tables: Mapping[str, object], params: Mapping[str, object], output: str = "pandas") -> Any:
    """Run ``query``; return its result as a pandas (or polars) data frame, None for statements."""
    duckdb = _duckdb()
    con = duckdb.connect(":memory:")
    try:
        for name, value in tables.items():
            if value is not None and _registrable(value):
                con.register(name, value)
        try:
            relation = con.sql(query, params=dict(params) if params else None)
        except duckdb.Error as exc:
            raise SqlError(str(exc)) from None
        if relation is None:
            return None
        try:
            return relation.pl() if output == "polars" else relation.df()
        except duckdb.Error as exc:
            raise SqlError(str(exc)) from None
    finally:
        con.close()
