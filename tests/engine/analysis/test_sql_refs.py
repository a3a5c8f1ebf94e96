"""The conservative SQL reference tokenizer: what an SQL cell reads, for the dataflow graph."""

from __future__ import annotations

import pytest

from reflow.analysis.sql import sql_references


@pytest.mark.parametrize(
    ("query", "tables"),
    [
        ("SELECT * FROM df", ("df",)),
        ("select a from df join other o on o.k = df.k left join third using (k)", ("df", "other", "third")),
        ("SELECT * FROM a, b AS bb, c WHERE x = 1", ("a", "b", "c")),
        ("FROM df SELECT a", ("df",)),
        ('SELECT * FROM "frame"', ("frame",)),
        ("SELECT * FROM (SELECT * FROM inner_df) sub", ("inner_df",)),
        ("WITH t AS (SELECT * FROM raw), u AS (SELECT * FROM t) SELECT * FROM u", ("raw",)),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r", ()),
    ],
)
def test_tables_after_from_and_join(query, tables):
    assert sql_references(query).tables == tables


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM 'data.parquet'",  # a file
        "SELECT * FROM read_csv('x.csv')",  # a table function
        "SELECT * FROM main.tbl",  # a qualified catalog name
        "SELECT * FROM _private",  # cell-private names are never another cell's
        "SELECT 'FROM df' AS s",  # inside a string
        "SELECT 1 -- FROM df\n",  # inside a comment
        "SELECT 1 /* FROM df */",
        'SELECT * FROM "not a name"',
        "SELECT * FROM class",  # a Python keyword cannot be a global
    ],
)
def test_what_is_not_a_python_table(query):
    assert sql_references(query).tables == ()


def test_interpolations_are_python_expressions_struct_literals_stay_sql():
    refs = sql_references("SELECT {'a': 1} AS s, {{x}} FROM df WHERE v > {limit * 2} AND k = { key }")
    assert [i.expr for i in refs.interpolations] == ["limit * 2", "key"]
    assert refs.tables == ("df",)


def test_a_brace_that_is_not_python_stays_sql():
    assert sql_references("SELECT {x: } FROM df").interpolations == ()


def test_unclosed_strings_and_comments_do_not_crash():
    assert sql_references("SELECT 'abc FROM df").tables == ()
    assert sql_references("SELECT /* FROM df").tables == ()
