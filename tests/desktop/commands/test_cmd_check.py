"""`reflow check`: file:line diagnostics and exit codes on real notebook files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reflow_desktop.cli import main


def write(tmp_path: Path, text: str, name: str = "nb.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def check(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["check", *map(str, paths)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_clean_notebook_passes(tmp_path, capsys):
    nb = write(tmp_path, "# %%\nx = 1\n\n# %%\ny = x + 1\n")
    code, out = check(capsys, nb)
    assert code == 0
    assert out == ""


def test_syntax_error_points_at_the_file_line(tmp_path, capsys):
    nb = write(tmp_path, "# %%\nx = 1\n\n# %%\ny = (\n\n# %%\nz = 3\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:5: error: syntax error" in out


def test_syntax_error_shows_the_line_and_a_caret_once(tmp_path, capsys):
    nb = write(tmp_path, "# %%\nx = 1\n\n# %%\ny = (x +\n\n# %%\nz = 3\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert out.splitlines() == [  # the code ends the first line (issue 19: every problem has a stable code)
        f"{nb}:5: error: syntax error: '(' was never closed [RF001]",
        "    y = (x +",
        "        ^",
    ]


def test_syntax_error_on_a_later_line_of_the_cell(tmp_path, capsys):
    nb = write(tmp_path, "# %%\na = 1\nb = 2\nc = = 3\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:4:" in out


STRICT = "# /// script\n# [tool.reflow]\n# strict = true\n# ///\n\n"


def test_multiple_definitions_name_both_lines_in_strict_mode(tmp_path, capsys):
    nb = write(tmp_path, STRICT + "# %%\nx = 1\n\n# %%\nx = 2\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:7: error: 'x' is defined by more than one cell (also line 10)" in out
    assert f"{nb}:10: error: 'x' is defined by more than one cell (also line 7)" in out


def test_redefinitions_and_mutations_are_not_errors(tmp_path, capsys):
    nb = write(tmp_path, "# %%\ndf = [1]\n\n# %%\ndf = df + [2]\n\n# %%\ndf[0] = 0\n\n# %%\nprint(df)\n")
    code, out = check(capsys, nb)
    assert (code, out) == (0, "")


def test_read_of_a_redefined_name_with_no_definition_above(tmp_path, capsys):
    nb = write(tmp_path, "# %%\nprint(x)\n\n# %%\nx = 1\n\n# %%\nx = 2\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:2: error: reads 'x', which is defined only below (line 5, line 8)" in out


def test_cycle_through_a_redefinition_is_reported(tmp_path, capsys):
    # r reads x from the first cell and z from the last; the last redefines x after r read it.
    nb = write(tmp_path, "# %%\nx = 1\n\n# %%\ny = x + z\n\n# %%\nx = 2\nz = 3\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert "cells form a cycle" in out


def test_cycle_is_reported_once_with_its_path(tmp_path, capsys):
    nb = write(tmp_path, "# %%\na = b + 1\n\n# %%\nb = a + 1\n")
    code, out = check(capsys, nb)
    assert code == 1
    lines = [line for line in out.splitlines() if "cycle" in line]
    assert len(lines) == 1
    assert "line 2" in lines[0] and "line 5" in lines[0]


def test_out_of_order_cell_suggests_sort(tmp_path, capsys):
    nb = write(tmp_path, "# %%\ny = x + 1\n\n# %%\nx = 1\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:2: error: reads 'x' defined by a later cell (line 5)" in out
    assert "reflow sort" in out


def test_star_import_is_accepted(tmp_path, capsys):
    # Semantics changed on purpose (issue 13): `from m import *` runs; its names are learned then.
    nb = write(tmp_path, "# %%\nfrom os.path import *\n\n# %%\nn = basename('/a')\n")
    code, out = check(capsys, nb)
    assert (code, out) == (0, "")


def test_errors_only_the_compiler_finds_are_reported_with_their_line(tmp_path, capsys):
    nb = write(tmp_path, "# %%\nx = 1\n\n# %%\nfor i in range(3):\n    pass\nbreak\n")
    code, out = check(capsys, nb)
    assert code == 1
    assert f"{nb}:7: error: syntax error: 'break' outside loop" in out


def test_broken_pep723_block_reports_its_line(tmp_path, capsys):
    nb = write(tmp_path, '# /// script\n# dependencies = [\n# ///\n\n# %%\nx = 1\n')
    code, out = check(capsys, nb)
    assert code == 1
    assert out.startswith(f"{nb}:")
    assert "error" in out


@pytest.mark.parametrize("content", [b"\x00\x01\x02\xff\xfe binary", b"\xff\xfe\xfa"])
def test_binary_junk_is_a_clear_error(tmp_path, capsys, content):
    nb = tmp_path / "junk.py"
    nb.write_bytes(content)
    code, out = check(capsys, nb)
    assert code == 1
    assert out.startswith(f"{nb}:") and "error" in out
    assert nb.read_bytes() == content  # never touched


def test_missing_file(tmp_path, capsys):
    code, out = check(capsys, tmp_path / "nope.py")
    assert code == 1
    assert "no such file" in out


def test_empty_file_is_clean(tmp_path, capsys):
    code, out = check(capsys, write(tmp_path, ""))
    assert code == 0


def test_several_files_one_bad(tmp_path, capsys):
    good = write(tmp_path, "# %%\nx = 1\n", "good.py")
    bad = write(tmp_path, "# %%\nx = (\n", "bad.py")
    code, out = check(capsys, good, bad)
    assert code == 1
    assert str(bad) in out and str(good) not in out


def test_console_script_runs(tmp_path):
    nb = write(tmp_path, STRICT + "# %%\nx = 1\n\n# %%\nx = 2\n")
    proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "check", str(nb)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "defined by more than one cell" in proc.stdout
