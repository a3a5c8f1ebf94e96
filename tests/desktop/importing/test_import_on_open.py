"""Opening a .ipynb / marimo file converts it beside the original and opens the copy."""

from __future__ import annotations

from pathlib import Path

import nbformat

from reflow.notebook import read_notebook
from reflow_desktop.importing.on_open import reflow_notebook_for
from reflow_desktop.session import Session


def write_ipynb(path: Path) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("%matplotlib inline\nx = 1"),
                nbformat.v4.new_code_cell("y = x + 1")]
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
