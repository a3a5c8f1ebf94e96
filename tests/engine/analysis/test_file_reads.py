"""Literal data-file paths a cell's reader calls name (the watch of ``watch=true`` loader cells)."""

from __future__ import annotations

from reflow.analysis.file_reads import literal_file_reads


def test_reader_calls_with_literal_paths_in_order() -> None:
    code = (
        "import pandas as pd\n"
        'a = pd.read_parquet(r"data/a.parquet")\n'
        'b = pl.scan_csv("b.csv").collect()\n'
        'c = pd.read_csv(filepath_or_buffer="c.csv", sep=";")\n'
        'd = read_excel("d.xlsx")\n'
        'a2 = pd.read_parquet(r"data/a.parquet")\n'
    )
    assert literal_file_reads(code) == ("data/a.parquet", "b.csv", "c.csv", "d.xlsx")


def test_sqlite_connect_only_as_sqlite3_and_not_in_memory() -> None:
    code = (
        'con = sqlite3.connect("shop.db")\n'
        'mem = sqlite3.connect(":memory:")\n'
        'other = psycopg.connect("dbname=x")\n'
        'with closing(sqlite3.connect(database="two.sqlite")) as _db:\n    pass\n'
    )
    assert literal_file_reads(code) == ("shop.db", "two.sqlite")


def test_computed_paths_and_non_readers_are_not_guessed() -> None:
    code = (
        'name = "x.csv"\n'
        "a = pd.read_csv(name)\n"
        'b = pd.read_csv(f"{name}")\n'
        'c = open("notes.txt").read()\n'
        'd = df.to_csv("out.csv")\n'
    )
    assert literal_file_reads(code) == ()


def test_broken_code_reads_nothing() -> None:
    assert literal_file_reads('pd.read_csv("a.csv"') == ()
    assert literal_file_reads("x = 1\0") == ()
