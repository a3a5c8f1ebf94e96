"""SQL cells in the file format: the [sql] marker, commented lines, round trips, Jupytext, Python forms."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflow.analysis import analyze_cell
from reflow.notebook import Cell, parse_notebook, render_notebook
from reflow.notebook.sql_cells import (
    SqlCellError,
    export_source,
    kernel_source,
    output_kind,
    result_name,
    runnable_source,
    script_source,
)

TEXT = """\
# %%
import pandas as pd
df = pd.DataFrame({"a": [1, 2]})

# %% [sql] name="doubled"
# SELECT a, a * 2 AS b
# FROM df

# %% Totals [sql] name="totals" output="polars"
# SELECT SUM(b) FROM doubled
"""


def test_marker_and_commented_lines_read_as_an_sql_cell():
    nb = parse_notebook(TEXT)
    sql = nb.cells[1]
    assert (sql.kind, sql.options, sql.source) == (
        "code",
        {"name": "doubled", "language": "sql"},
        "SELECT a, a * 2 AS b\nFROM df",
    )
    assert nb.cells[2].options == {"title": "Totals", "name": "totals", "output": "polars", "language": "sql"}
    assert render_notebook(nb) == TEXT  # byte for byte


def test_an_edited_sql_cell_is_written_commented_and_only_it_changes():
    nb = parse_notebook(TEXT)
    nb.cells[1].source = "SELECT a FROM df\nWHERE a > 1"
    text = render_notebook(nb)
    assert '# %% [sql] name="doubled"\n# SELECT a FROM df\n# WHERE a > 1\n' in text
    assert text.replace("# SELECT a FROM df\n# WHERE a > 1", "# SELECT a, a * 2 AS b\n# FROM df") == TEXT


def test_a_new_sql_cell_renders_the_tag_and_reads_back():
    nb = parse_notebook("# %%\nx = 1\n")
    nb.cells.append(Cell(kind="code", source="SELECT 1 AS one", options={"language": "sql", "name": "one"}))
    text = render_notebook(nb)
    assert text.endswith('# %% [sql] name="one"\n# SELECT 1 AS one\n')
    again = parse_notebook(text).cells[1]
    assert (again.source, again.options) == ("SELECT 1 AS one", {"name": "one", "language": "sql"})
    ast.parse(text)  # the notebook stays a valid Python script


def test_jupytext_reads_the_sql_cell_and_writes_the_same_text():
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.reads(TEXT, "py:percent")
    cells = [(c.cell_type, c.metadata.get("title"), c.metadata.get("name")) for c in nb.cells]
    assert cells == [("code", None, None), ("code", "[sql]", "doubled"), ("code", "Totals [sql]", "totals")]
    assert jupytext.writes(nb, "py:percent").endswith(TEXT.split("# %%\n", 1)[1])
    assert [c.source for c in parse_notebook(jupytext.writes(nb, "py:percent")).cells] == [
        c.source for c in parse_notebook(TEXT).cells
    ]


def test_the_kernel_form_names_its_tables_and_binds_the_result():
    source = kernel_source("SELECT * FROM df JOIN other USING (k) WHERE v > {lo}", {"language": "sql", "name": "out"})
    analysis = analyze_cell(source)
    assert analysis.error is None
    assert analysis.defs == {"out"}
    assert analysis.refs == {"df", "other", "lo"}


def test_without_a_name_the_result_is_only_shown():
    analysis = analyze_cell(kernel_source("SELECT 1", {"language": "sql"}))
    assert analysis.defs == frozenset() and analysis.error is None


@pytest.mark.parametrize("options", [{"name": "not a name"}, {"name": "class"}, {"name": 3}, {"output": "arrow"}])
def test_bad_options_are_a_clear_error(options):
    with pytest.raises(SqlCellError):
        result_name(options) if "name" in options else output_kind(options)
    assert script_source("SELECT 1", {"language": "sql", **options}).startswith("raise ValueError(")
    assert kernel_source("SELECT 1", {"language": "sql", **options}).startswith("raise ValueError(")


def test_plain_code_cells_pass_through():
    assert runnable_source("x = 1", {"title": "t"}) == "x = 1"
    assert export_source("x = 1", {"title": "t"}) == "x = 1"
    assert result_name({}) is None


def test_the_script_form_runs_with_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    source = script_source("SELECT a * 2 AS b FROM df WHERE a > {lo}", {"language": "sql", "name": "res"})
    namespace = {"df": pd.DataFrame({"a": [1, 2, 3]}), "lo": 1}
    exec(compile(source, "<script>", "exec"), namespace)
    assert namespace["res"]["b"].tolist() == [4, 6]
    assert duckdb is namespace["duckdb"]


SQL_LINE = st.text(alphabet="SELECTFROMabc*,'\"(){}_ =-#\t", max_size=30)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(SQL_LINE, min_size=1, max_size=6), name=st.sampled_from(["df", "out_1", None]))
def test_any_sql_text_round_trips_through_the_file(lines, name):
    source = "\n".join(lines).rstrip()
    options: dict[str, object] = {"language": "sql"} if name is None else {"name": name, "language": "sql"}
    nb = parse_notebook("# %%\nx = 1\n")
    nb.cells.append(Cell(kind="code", source=source, options=options))
    text = render_notebook(nb)
    again = parse_notebook(text)
    assert [(c.source, c.options) for c in again.cells] == [("x = 1", {}), (source, options)]
    assert render_notebook(again) == text
