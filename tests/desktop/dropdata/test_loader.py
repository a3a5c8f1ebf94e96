"""Loader-cell generation for dropped data files: names, path literals, readers, refusals.

The generated code is executed here with the test environment's pandas / polars in the notebook's
folder (as the kernel runs it), so "reads the right file" is checked by the data it returns.
"""

from __future__ import annotations

import ast
import os
import sqlite3
from pathlib import Path

import pytest

from reflow_desktop.dropdata.loader import (
    DropRefused,
    frame_name,
    loader_for,
    path_in_code,
    path_literal,
)


def run_loader(code: str, cwd: Path) -> dict[str, object]:
    """Execute a loader cell the way the kernel does: in the notebook's folder."""
    ast.parse(code)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        ns: dict[str, object] = {}
        exec(compile(code, "<loader>", "exec"), ns)
        return ns
    finally:
        os.chdir(old)


@pytest.mark.parametrize(
    ("file", "name"),
    [
        ("sales.csv", "sales"),
        ("Sales 2024 (final).csv", "sales_2024_final"),
        ("2024-q1.csv", "data_2024_q1"),
        ("class.csv", "class_data"),  # keyword
        ("list.csv", "list_data"),  # builtin
        ("pd.csv", "pd_data"),  # the loader's own alias
        ("__private__.csv", "private"),  # never a cell-private _name
        ("---.csv", "data"),
        ("Ventes_été.csv", "ventes_été"),
        ("销售.csv", "销售"),
        ("ﬁle.csv", "file"),  # NFKC, as Python reads identifiers
    ],
)
def test_frame_name_is_a_valid_public_identifier(file: str, name: str) -> None:
    got = frame_name(Path(file), set())
    assert got == name
    assert got.isidentifier() and not got.startswith("_")
    assert ast.parse(f"{got} = 1").body[0].targets[0].id == got  # type: ignore[attr-defined]


def test_frame_name_is_unique_against_the_notebooks_names() -> None:
    assert frame_name(Path("sales.csv"), {"sales"}) == "sales_2"
    assert frame_name(Path("sales.csv"), {"sales", "sales_2"}) == "sales_3"
    # SQLite loaders bind name and name_tables: both must be free
    assert frame_name(Path("shop.db"), {"shop_tables"}, suffixes=("", "_tables")) == "shop_2"


@pytest.mark.parametrize(
    "text",
    [
        "data/sales.csv",
        'odd "quoted" name.csv',
        "it's.csv",
        "C:\\Users\\me\\data.csv",
        "ends with backslash\\",
        "\\\\server\\share\\x.csv",
        "ünïcødé 数据.csv",
        "zero\u200bwidth.csv",
        "nbsp\u00a0name.csv",
    ],
)
def test_path_literal_reads_back_exactly(text: str) -> None:
    literal = path_literal(text)
    assert ast.literal_eval(literal) == text


def test_path_literal_prefers_a_raw_string() -> None:
    assert path_literal("C:\\data\\sales.csv") == 'r"C:\\data\\sales.csv"'


def test_relative_under_the_notebook_folder_absolute_elsewhere(tmp_path: Path) -> None:
    nb_dir = tmp_path / "nb"
    (nb_dir / "data").mkdir(parents=True)
    inside = nb_dir / "data" / "sales.csv"
    outside = tmp_path / "other.csv"
    assert path_in_code(inside, nb_dir) == "data/sales.csv"
    assert path_in_code(outside, nb_dir) == str(outside)


ODD_NAMES = ['q"uote.csv', "back\\slash.csv", "it's.csv", "ünï 数据 €.csv", "sp  ace.csv"]


@pytest.mark.parametrize("library", ["pandas", "polars"])
@pytest.mark.parametrize("file", ODD_NAMES)
def test_csv_with_odd_names_reads_the_right_file(tmp_path: Path, file: str, library: str) -> None:
    if "\\" in file and os.name == "nt":
        pytest.skip("a backslash is a separator on Windows")
    (tmp_path / file).write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    (tmp_path / "decoy.csv").write_text("a,b\n9,9\n")
    loader = loader_for(str(tmp_path / file), tmp_path, library, set())  # type: ignore[arg-type]
    assert loader.path_text == file  # relative: the file is in the notebook's folder
    ns = run_loader(loader.code, tmp_path)
    frame = ns[loader.name]
    assert list(frame["a"]) == [1, 3]  # type: ignore[index]
    assert loader.code.splitlines()[-1] == loader.name  # the last line shows the table
    assert loader.options == {"watch": True}


def test_absolute_path_outside_the_notebook_folder(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere" / 'we"ird.csv'
    data.parent.mkdir()
    data.write_text("x\n5\n")
    nb_dir = tmp_path / "nb"
    nb_dir.mkdir()
    loader = loader_for(str(data), nb_dir, "pandas", set())
    assert loader.path_text == str(data)
    assert list(run_loader(loader.code, nb_dir)[loader.name]["x"]) == [5]  # type: ignore[index]


def test_every_kind_for_both_libraries(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"n": [1, 2, 3], "s": ["a", "b", "c"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_csv(tmp_path / "t.tsv", index=False, sep="\t")
    frame.to_parquet(tmp_path / "t.parquet")
    frame.to_json(tmp_path / "t.json", orient="records")
    frame.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    with sqlite3.connect(tmp_path / "t.db") as db:
        frame.to_sql("things", db, index=False)
        db.execute("CREATE TABLE zebra (z INTEGER)")
    db.close()
    readers = {
        "pandas": {".tsv": 'sep="\\t"', ".parquet": "read_parquet", ".json": "read_json", ".jsonl": "lines=True"},
        "polars": {".tsv": 'separator="\\t"', ".parquet": "read_parquet", ".jsonl": "read_ndjson"},
    }
    for library in ("pandas", "polars"):
        for suffix in (".csv", ".tsv", ".parquet", ".json", ".jsonl", ".db"):
            loader = loader_for(str(tmp_path / f"t{suffix}"), tmp_path, library, set())  # type: ignore[arg-type]
            assert readers[library].get(suffix, "") in loader.code
            ns = run_loader(loader.code, tmp_path)
            got = ns[loader.name]
            assert list(got["n"]) == [1, 2, 3], (library, suffix)  # type: ignore[index]
            if suffix == ".db":
                assert ns[f"{loader.name}_tables"] == ["things", "zebra"]
                with pytest.raises(sqlite3.ProgrammingError):  # the connection is closed after the read
                    ns["_db"].execute("SELECT 1")  # type: ignore[attr-defined]
    assert loader_for(str(tmp_path / "t.parquet"), tmp_path, "pandas", set()).packages == ("pandas", "pyarrow")
    assert loader_for(str(tmp_path / "t.parquet"), tmp_path, "polars", set()).packages == ("polars",)


def test_excel_loader_reads_the_workbook(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    pd.DataFrame({"n": [1, 2], "s": ["x", "y"]}).to_excel(tmp_path / "Q3 report.xlsx", index=False)
    loader = loader_for(str(tmp_path / "Q3 report.xlsx"), tmp_path, "pandas", set())
    frame = run_loader(loader.code, tmp_path)[loader.name]
    assert loader.name == "q3_report" and list(frame["s"]) == ["x", "y"]  # type: ignore[index]


def test_excel_loader_code_and_packages(tmp_path: Path) -> None:
    (tmp_path / "Book1.xlsx").write_bytes(b"PK\x03\x04")  # only the name and type matter to the generator
    pandas = loader_for(str(tmp_path / "Book1.xlsx"), tmp_path, "pandas", set())
    polars = loader_for(str(tmp_path / "Book1.xlsx"), tmp_path, "polars", set())
    assert pandas.code.splitlines()[-2] == 'book1 = pd.read_excel(r"Book1.xlsx")'
    assert pandas.packages == ("pandas", "openpyxl")
    assert polars.code.splitlines()[-2] == 'book1 = pl.read_excel(r"Book1.xlsx")'
    assert polars.packages == ("polars", "fastexcel")


def test_import_left_out_when_a_cell_binds_the_alias(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("a\n1\n")
    with_import = loader_for(str(tmp_path / "s.csv"), tmp_path, "pandas", set())
    without = loader_for(str(tmp_path / "s.csv"), tmp_path, "pandas", {"pd"})
    assert with_import.code.startswith("import pandas as pd\n")
    assert "import" not in without.code


def test_sqlite_table_names_with_quotes_are_escaped(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "odd.sqlite") as db:
        db.execute('CREATE TABLE "we""ird \'t\'" (v INTEGER)')
        db.execute('INSERT INTO "we""ird \'t\'" VALUES (7)')
    db.close()
    loader = loader_for(str(tmp_path / "odd.sqlite"), tmp_path, "pandas", set())
    assert list(run_loader(loader.code, tmp_path)["odd"]["v"]) == [7]  # type: ignore[index]


def _refused(raw: str, nb_dir: Path) -> str:
    before = sorted(p.name for p in nb_dir.iterdir())
    with pytest.raises(DropRefused) as info:
        loader_for(raw, nb_dir, "pandas", set())
    assert sorted(p.name for p in nb_dir.iterdir()) == before  # nothing created or touched
    return str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX: a FIFO and a symbolic link without privileges")
def test_hostile_drops_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "real.csv").write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "fake.db").write_text("not sqlite at all")
    with sqlite3.connect(tmp_path / "empty.sqlite") as db:
        db.execute("PRAGMA user_version = 1")
    db.close()
    os.mkfifo(tmp_path / "pipe.csv")
    assert "is a folder" in _refused(str(tmp_path / "folder.csv"), tmp_path)
    assert "symbolic link" in _refused(str(tmp_path / "link.csv"), tmp_path)
    assert "CSV, TSV, Parquet" in _refused(str(tmp_path / "notes.txt"), tmp_path)
    (tmp_path / "other.ipynb").write_text("{}")
    assert "is a notebook" in _refused(str(tmp_path / "other.ipynb"), tmp_path)
    assert "not a SQLite database" in _refused(str(tmp_path / "fake.db"), tmp_path)
    assert "has no tables" in _refused(str(tmp_path / "empty.sqlite"), tmp_path)
    assert "not a regular file" in _refused(str(tmp_path / "pipe.csv"), tmp_path)  # never opened: no hang
    assert "cannot be read" in _refused(str(tmp_path / "missing.csv"), tmp_path)
    assert "control characters" in _refused(str(tmp_path / "new\nline.csv"), tmp_path)
    assert "not valid text" in _refused(str(tmp_path) + "/bad\udcff.csv", tmp_path)
    assert "no file path" in _refused("", tmp_path)


def test_names_bound_anywhere_in_the_notebook_are_taken() -> None:
    from reflow.notebook import parse_notebook
    from reflow_desktop.dropdata.insert import defined_names

    nb = parse_notebook(
        '# %%\nsales = 1\nif x:\n    maybe = 2\n\n# %% [sql] name="orders"\n# SELECT 1\n\n# %% [markdown]\n# text = 3\n'
    )
    names = defined_names(nb)
    assert {"sales", "maybe", "orders"} <= names and "text" not in names
    assert frame_name(Path("orders.csv"), names) == "orders_2"
