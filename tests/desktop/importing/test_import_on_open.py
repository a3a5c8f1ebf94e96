"""Opening a .ipynb / marimo file converts it beside the original and opens the copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from reflow.notebook import read_notebook
from reflow_desktop.importing.on_open import reflow_notebook_for
from reflow_desktop.session import Session


def write_ipynb(path: Path, extra: str | None = None) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("%matplotlib inline\nx = 1"),
                nbformat.v4.new_code_cell("y = x + 1")]
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    nbformat.write(nb, str(path))
    return path.read_bytes()


def test_reflow_files_open_as_they_are(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n")
    target = reflow_notebook_for(nb)
    assert target.path == nb and target.notices == []


def test_ipynb_is_converted_beside_it_and_untouched(tmp_path: Path):
    source = tmp_path / "analysis.ipynb"
    original = write_ipynb(source)
    target = reflow_notebook_for(source)
    assert target.path == tmp_path / "analysis.py"
    assert source.read_bytes() == original
    cells = read_notebook(target.path).cells
    assert [c.kind for c in cells] == ["markdown", "code", "code"]
    assert "y = x + 1" in cells[2].source
    assert "converted" in target.notices[0].lower() and "unchanged" in target.notices[0]
    assert any("matplotlib" in n for n in target.notices[1:])  # the magic is reported per cell


def test_opening_twice_never_overwrites_the_first_conversion(tmp_path: Path):
    source = tmp_path / "a.ipynb"
    write_ipynb(source)
    first = reflow_notebook_for(source).path
    first.write_text(first.read_text() + "\n# %%\nmy_edit = 1\n")
    second = reflow_notebook_for(source).path
    assert second != first
    assert "my_edit" in first.read_text()


def test_session_tells_the_first_ui_once(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n")
    session = Session(nb, autosave_delay=None)
    session.startup_notices.append("Converted a.ipynb into a.py")
    first: list[dict] = []
    second: list[dict] = []
    session.attach(first.append)
    session.attach(second.append)
    assert [m["text"] for m in first if m["type"] == "notice"] == ["Converted a.ipynb into a.py"]
    assert not [m for m in second if m["type"] == "notice"]


def test_opening_an_unchanged_notebook_again_reuses_the_unedited_copy(tmp_path: Path):
    source = tmp_path / "a.ipynb"
    write_ipynb(source)
    first = reflow_notebook_for(source)
    again = reflow_notebook_for(source)
    assert again.path == first.path == tmp_path / "a.py"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ipynb", "a.py"]
    assert "converted earlier" in again.notices[0]
    write_ipynb(source, extra="z = 3")  # the notebook changed: a new copy, the old one kept
    third = reflow_notebook_for(source)
    assert third.path == tmp_path / "a_reflow.py" and "z = 3" in third.path.read_text()


def test_a_broken_notebook_is_a_clear_error_when_opened_from_the_cli(tmp_path: Path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{oops")
    proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "edit", str(bad), "--browser"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"reflow: {bad}: not a Jupyter notebook (invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ipynb"]
