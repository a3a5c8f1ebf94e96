"""`reflow sort`: stable reordering into execution order, never reformatting cells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reflow_desktop.cli import main


def test_sorts_into_execution_order_keeping_cell_text(tmp_path: Path, capsys):
    nb = tmp_path / "nb.py"
    nb.write_text(
        "# %% [markdown]\n# Uses x\n\n# %%\ny = x + 1  # keep   my   spacing\nprint(y)\n\n# %%\nz = 10\n\n# %%\nx = 1\n"
    )
    assert main(["sort", str(nb)]) == 0
    text = nb.read_text()
    # Topological order with display-order tie-break (DESIGN.md): z and x are ready first, in
    # display order; y follows x. The markdown stays glued to y's cell; cell text is untouched.
    assert (
        text.index("z = 10")
        < text.index("x = 1")
        < text.index("# Uses x")
        < text.index("y = x + 1  # keep   my   spacing\nprint(y)")
    )
    assert main(["check", str(nb)]) == 0
    # The sorted file runs as a plain Python script.
    proc = subprocess.run([sys.executable, str(nb)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "2\n"


def test_valid_notebook_is_left_byte_for_byte(tmp_path: Path, capsys):
    nb = tmp_path / "nb.py"
    original = '# /// script\n# requires-python = ">=3.11"\n# ///\n\n# %%\nx=1\n\n\n# %%\ny=x\n'
    nb.write_text(original)
    assert main(["sort", str(nb)]) == 0
    assert nb.read_text() == original
    assert "already in execution order" in capsys.readouterr().out


def test_check_flag_does_not_write(tmp_path: Path, capsys):
    nb = tmp_path / "nb.py"
    original = "# %%\ny = x\n\n# %%\nx = 1\n"
    nb.write_text(original)
    assert main(["sort", "--check", str(nb)]) == 1
    assert nb.read_text() == original


def test_cycle_refuses_to_sort(tmp_path: Path, capsys):
    nb = tmp_path / "nb.py"
    original = "# %%\na = b\n\n# %%\nb = a\n"
    nb.write_text(original)
    assert main(["sort", str(nb)]) == 1
    assert "cycle" in capsys.readouterr().err
    assert nb.read_text() == original
