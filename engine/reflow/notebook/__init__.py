"""The notebook file format: a plain Python script in the percent format.

An optional PEP 723 ``# /// script`` block (with ``[tool.reflow]`` options),
then cells started by ``# %%`` lines. ``render_notebook(parse_notebook(t)) == t``
byte for byte, and editing a cell changes only that cell's lines.

Decisions: an empty file is a notebook with zero cells; comments and blank
lines before the first marker are a verbatim header (not a cell); code before
the first marker is a first code cell without a marker (plain scripts open as
one cell); only ``\\n`` ends a line (CRLF files stay CRLF).
"""

from __future__ import annotations

from .atomic import AtomicWriteError, atomic_write_bytes, atomic_write_text
from .errors import NotebookFormatError
from .io import read_notebook, write_notebook
from .metadata import dependencies, reflow_config, requires_python, runtime_mode
from .model import Cell, CellKind, Notebook, ScriptMetadata, new_cell_id
from .parse import parse_notebook
from .render import render_notebook


def new_notebook() -> Notebook:
    """A fresh notebook: a script block with requires-python and one empty code cell."""
    return Notebook(
        metadata=ScriptMetadata.from_data({"requires-python": ">=3.11"}),
        cells=[Cell(kind="code", source="")],
    )


__all__ = [
    "AtomicWriteError",
    "Cell",
    "CellKind",
    "Notebook",
    "NotebookFormatError",
    "ScriptMetadata",
    "atomic_write_bytes",
    "atomic_write_text",
    "dependencies",
    "new_cell_id",
    "new_notebook",
    "parse_notebook",
    "read_notebook",
    "reflow_config",
    "render_notebook",
    "requires_python",
    "runtime_mode",
    "write_notebook",
]
