"""Formatting one cell with the app's ruff: formatted, unchanged, skipped with a reason, magics kept."""

from __future__ import annotations

from pathlib import Path

from reflow.notebook import Cell
from reflow_desktop.formatting.cells import format_source, formattable, ruff_table
from reflow_desktop.formatting.ruff_format import config_overrides


def test_formats_python():
    result = format_source("a", "x  =  [1,2]\ndef f( y ):\n  return y")
    assert (result.status, result.code) == ("formatted", "x = [1, 2]\n\n\ndef f(y):\n    return y")


def test_already_formatted_is_unchanged():
    assert format_source("a", "x = 1").status == "unchanged"
    assert format_source("a", "   ").status == "unchanged"


def test_a_syntax_error_is_skipped_with_its_line():
    result = format_source("a", "x = (\ny  =  2")
    assert result.status == "skipped" and result.code is None
    assert "syntax error" in (result.reason or "") and "2:" in (result.reason or "")


def test_magic_and_shell_lines_are_kept_exactly():
    source = "%time  x  =  1\nif True:\n    !ls   -la \\\n      /tmp\n    y  =  2\n%%capture"
    result = format_source("a", source)
    assert result.status == "formatted"
    assert result.code == "%time  x  =  1\nif True:\n    !ls   -la \\\n      /tmp\n    y = 2\n%%capture"


def test_the_notebooks_ruff_table_applies():
    table = ruff_table({"tool": {"ruff": {"line-length": 20, "format": {"quote-style": "single"}}}})
    result = format_source("a", 'value = call("aaaa", "bbbb", "cccc")', ruff_table=table)
    assert result.code == "value = call(\n    'aaaa',\n    'bbbb',\n    'cccc',\n)"


def test_hostile_config_keys_and_values_are_not_passed():
    assert config_overrides({"line-length": 80, "x = 1\nbad": 3, "nested": {"ok": [1, 2], "obj": {"a": None}}}) == [
        "--config",
        "line-length = 80",
        "--config",
        "nested.ok = [1, 2]",
    ]
    assert ruff_table({"tool": {"ruff": "not a table"}}) == {}


def test_project_config_beside_the_notebook_applies(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 20\n")
    result = format_source("a", 'value = call("aaaa", "bbbb", "cccc")', path=tmp_path / "nb.py")
    assert result.code is not None and result.code.startswith("value = call(\n")


def test_only_python_code_cells_are_formattable():
    assert formattable(Cell(kind="code", source="x"))
    assert not formattable(Cell(kind="markdown", source="x"))
    assert not formattable(Cell(kind="code", source="SELECT 1", options={"language": "sql"}))
