"""Which cells may be formatted, and formatting one cell's code safely.

Only Python code cells are formatted. A cell that does not parse is left exactly as it is and the
reason names its line; SQL and markdown cells are never touched. IPython-style lines (``%magic``,
``%%cell_magic``, ``!shell``) are not Python: they are swapped for placeholder comments while ruff
runs and put back unchanged afterwards; if ruff moved or dropped a placeholder, the cell is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reflow.notebook import Cell
from reflow.notebook.sql_cells import is_sql

from .ruff_format import format_code

_MAGIC = re.compile(r"^\s*(%|!)")
_PLACEHOLDER = "# __reflow_kept_line_{}__"


@dataclass(frozen=True)
class CellFormat:
    """What formatting did to one cell: ``code`` is the new text when ``status`` is "formatted"."""

    cell_id: str
    status: Literal["formatted", "unchanged", "skipped"]
    code: str | None = None
    reason: str | None = None


def _mask(source: str) -> tuple[str, dict[str, str]]:
    """Replace magic / shell lines (and their backslash continuations) with placeholder comments."""
    kept: dict[str, str] = {}
    out: list[str] = []
    continuing = False
    for line in source.split("\n"):
        if continuing or _MAGIC.match(line):
            token = _PLACEHOLDER.format(len(kept))
            kept[token] = line
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + token)
            continuing = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return "\n".join(out), kept


def _unmask(text: str, kept: Mapping[str, str]) -> str | None:
    """Put the kept lines back; None when a placeholder is not on a line of its own exactly once."""
    lines = text.split("\n")
    found = 0
    for i, line in enumerate(lines):
        token = line.strip()
        if token in kept:
            lines[i] = kept[token]
            found += 1
    return "\n".join(lines) if found == len(kept) else None


def format_source(
    cell_id: str, source: str, *, ruff_table: Mapping[str, object] | None = None, path: Path | None = None
) -> CellFormat:
    """Format one code cell's text (see the module doc for what is kept and what is skipped)."""
    if not source.strip():
        return CellFormat(cell_id, "unchanged")
    masked, kept = _mask(source)
    result = format_code(masked, ruff_table=ruff_table, path=path)
    if result.code is None:
        return CellFormat(cell_id, "skipped", reason=f"syntax error, left as it is ({result.error})")
    new = _unmask(result.code, kept) if kept else result.code
    if new is None:
        return CellFormat(cell_id, "skipped", reason="its magic or shell lines could not be kept in place")
    new = new.rstrip("\n")
    if new == source:
        return CellFormat(cell_id, "unchanged")
    return CellFormat(cell_id, "formatted", code=new)


def formattable(cell: Cell) -> bool:
    """A Python code cell (not markdown, not SQL)."""
    return cell.kind == "code" and not is_sql(cell.options)


def ruff_table(metadata: Mapping[str, object] | None) -> dict[str, object]:
    """The notebook's ``[tool.ruff]`` table from its PEP 723 block (empty when none or malformed)."""
    tool = metadata.get("tool") if metadata else None
    table = tool.get("ruff") if isinstance(tool, Mapping) else None
    return dict(table) if isinstance(table, Mapping) else {}
