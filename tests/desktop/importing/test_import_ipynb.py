"""ipynb import: magics and shell escapes become per-cell problems, never failures."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reflow.notebook import parse_notebook, read_notebook
from reflow_desktop.importing import convert_ipynb, free_path, import_notebook

FIXTURE = Path(__file__).parent / "fixtures" / "jupyter_magics.ipynb"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "sales.ipynb"
    target.write_bytes(FIXTURE.read_bytes())
    return target


def test_realistic_notebook_with_magics_imports_and_every_cell_parses(tmp_path: Path):
    src = _copy(tmp_path)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    result = import_notebook(src)
    assert result.path == tmp_path / "sales.py"
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # original untouched
    nb = read_notebook(result.path)
    assert len(nb.cells) == 12
    for cell in nb.cells:
        if cell.kind == "code":
            ast.parse(cell.source)  # the converted notebook runs
    kinds = [c.kind for c in nb.cells]
    assert kinds[0] == "markdown" and kinds[9] == "markdown" and kinds[10] == "markdown"
    assert nb.cells[10].source == "## Notes\nTotals are in kEUR."


def test_user_text_is_kept_as_comments(tmp_path: Path):
    nb = import_notebook(_copy(tmp_path)).notebook
    code = [c.source for c in nb.cells]
    assert code[1].startswith("# !pip install -q pandas==2.2.2")
    assert code[2].splitlines()[0].startswith("# %matplotlib inline")
    assert "import pandas as pd" in code[2].splitlines()
    assert code[3].splitlines()[0].startswith("# %%time")
    assert code[3].splitlines()[-1] == "data.head()"  # %%time body still runs
    # %time inside a block: the statement keeps running (was: commented out behind `pass`)
    assert "    print(m)  # reflow: was %time; runs as plain Python" in code[5].splitlines()
    # %%bash runs its script through subprocess (was: kept as comments)
    assert code[6].splitlines()[0].startswith("# %%bash  # reflow:")
    assert "echo 'preparing'" in code[6] and "_subprocess.run(['bash', \"-c\"" in code[6]
    assert "# def broken(:" in code[11]
    assert nb.cells[7].options == {"hide_code": True}


def test_problems_name_cells_and_lines(tmp_path: Path):
    result = import_notebook(_copy(tmp_path))
    by_cell = {(p.cell, p.line): p for p in result.problems}
    assert "%matplotlib" in by_cell[(3, 1)].message
    assert "shell command" in by_cell[(5, 1)].message
    assert by_cell[(6, 2)].level == "warning"
    assert "%%bash" in by_cell[(7, 1)].message
    assert by_cell[(12, None)].level == "error"
    assert str(by_cell[(3, 1)]).startswith("cell 3, line 1: warning:")


def test_pip_install_lines_become_dependencies(tmp_path: Path):
    nb = import_notebook(_copy(tmp_path)).notebook
    assert nb.metadata is not None
    assert nb.metadata.dependencies == ["pandas==2.2.2", "matplotlib>=3.8"]


def test_no_outputs_are_kept(tmp_path: Path):
    result = import_notebook(_copy(tmp_path))
    assert "CPU times" not in result.path.read_text()


def test_never_overwrites_an_existing_file(tmp_path: Path):
    src = _copy(tmp_path)
    existing = tmp_path / "sales.py"
    existing.write_text("keep me\n")
    first = import_notebook(src)
    second = import_notebook(src)
    assert existing.read_text() == "keep me\n"
    assert first.path == tmp_path / "sales_reflow.py"
    assert second.path == tmp_path / "sales_reflow_2.py"
    with pytest.raises(FileExistsError):
        import_notebook(src, existing)
    assert free_path(tmp_path / "other.ipynb") == tmp_path / "other.py"


def test_dependencies_from_a_juv_style_first_cell(tmp_path: Path):
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "# /// script\n# dependencies = [\"polars\"]\n# ///"},
        {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["import polars as pl\n", "pl.DataFrame()"]},
    ]}
    result = convert_ipynb(data, tmp_path / "x.ipynb")
    assert result.notebook.metadata.dependencies == ["polars"]
    assert [c.source for c in result.notebook.cells] == ["import polars as pl\npl.DataFrame()"]


def test_reflow_metadata_dependencies_without_block(tmp_path: Path):
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"reflow": {"dependencies": ["rich"]}},
            "cells": [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "hi"}]}
    nb = convert_ipynb(data, tmp_path / "x.ipynb").notebook
    assert nb.metadata.dependencies == ["rich"]


def test_output_file_parses_back_to_the_same_cells(tmp_path: Path):
    result = import_notebook(_copy(tmp_path))
    again = parse_notebook(result.path.read_text())
    assert [(c.kind, c.source) for c in again.cells] == [(c.kind, c.source) for c in result.notebook.cells]


def test_not_a_notebook_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "import", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "not a Jupyter notebook" in proc.stderr
    assert not (tmp_path / "bad.py").exists()


def test_cli_import_reports_problems_and_writes_beside(tmp_path: Path):
    src = _copy(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "import", str(src)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "sales.py: 12 cells" in proc.stdout
    assert f"{src}: cell 3, line 1: warning:" in proc.stderr
    assert json.loads(src.read_text())["cells"]  # still the original notebook


@pytest.mark.parametrize("name, expected", [
    ("02.01-Intro.ipynb", "02.01-Intro.py"),
    ("v1.2.final.ipynb", "v1.2.final.py"),
    ("archive.tar.ipynb", "archive.tar.py"),
    ("plain.ipynb", "plain.py"),
])
def test_the_whole_file_name_is_kept(tmp_path: Path, name: str, expected: str):
    src = tmp_path / name
    src.write_bytes(FIXTURE.read_bytes())
    assert import_notebook(src).path == tmp_path / expected
    assert import_notebook(src).path == tmp_path / (expected[: -len(".py")] + "_reflow.py")  # never over the first


@pytest.mark.parametrize("metadata", [
    {"jupyter": {"source_hidden": True}}, {"hide_input": True}, {"tags": ["hide-input"]}, {"tags": ["remove-input"]},
])
def test_hidden_input_becomes_hide_code(tmp_path: Path, metadata: dict):
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": metadata, "outputs": [], "execution_count": None,
         "source": "x = 1"},
        {"cell_type": "code", "id": "b", "metadata": {"tags": ["other"]}, "outputs": [], "execution_count": None,
         "source": "y = 2"}]}
    cells = convert_ipynb(data, tmp_path / "x.ipynb").notebook.cells
    assert [c.options for c in cells] == [{"hide_code": True}, {}]
