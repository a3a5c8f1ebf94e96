"""A Jupyter notebook that calls a ``_helper`` from another cell imports with
``[tool.reflow] underscore_names = "shared"`` and runs to the end unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reflow.notebook import NotebookFormatError, parse_notebook, read_notebook
from reflow.notebook.metadata import shared_privates
from reflow_desktop.importing import import_notebook


def _ipynb(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def test_helper_used_across_cells_sets_shared_and_the_notebook_runs(tmp_path: Path):
    src = _ipynb(tmp_path / "helpers.ipynb", "_scale = 2\ndef _double(x):\n    return x * _scale", "print(_double(21))")
    result = import_notebook(src)
    nb = read_notebook(result.path)
    assert shared_privates(nb)
    assert any("_double" in p.message and "underscore_names" in p.message for p in result.problems)
    assert [c.source for c in nb.cells] == ["_scale = 2\ndef _double(x):\n    return x * _scale", "print(_double(21))"]
    run = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", "--current-python", str(result.path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "42"


def test_cell_local_underscore_names_leave_the_notebook_private(tmp_path: Path):
    src = _ipynb(tmp_path / "plain.ipynb", "_tmp = 1\nx = _tmp", "for _ in range(2):\n    print(x)")
    nb = read_notebook(import_notebook(src).path)
    assert not shared_privates(nb)


def test_an_unknown_underscore_names_value_is_a_clear_format_error():
    text = '# /// script\n# [tool.reflow]\n# underscore_names = "everywhere"\n# ///\n\n# %%\nx = 1\n'
    with pytest.raises(NotebookFormatError, match='underscore_names must be "private" or "shared"'):
        parse_notebook(text)
