"""Data classes of a notebook: what the UI, runtime and exporters work with.

Cells remember the exact text they were read from (private ``_orig``) so that
rendering can reproduce untouched cells byte for byte.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

CellKind = Literal["code", "markdown"]

_ID_PREFIX = secrets.token_hex(2)
_ID_COUNTER = itertools.count(1)


def new_cell_id() -> str:
    """Session-only cell id: unique within this process (counter), unlikely to clash across processes."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER):x}"


@dataclass
class _OrigCell:
    """How a cell looked in the file it was parsed from (for byte-exact rendering)."""

    kind: str
    source: str
    options: dict[str, Any]
    marker: str | None  # the marker line incl. its line ending; None for the marker-less first cell
    body: str  # the cell's content lines, exactly as in the file
    gap: str  # blank lines after the content, up to the next marker / end of file
    was_last: bool
    line: int  # 1-based line of the marker (or of the first content line)
    body_offset: int  # character offsets into the parsed text (tests, diagnostics)
    gap_offset: int
    quote: tuple[str, str] | None = None  # markdown written as a triple-quoted string


@dataclass
class Cell:
    """One cell; ``source`` of a markdown cell is the text without the ``# `` comment prefix."""

    kind: CellKind = "code"
    source: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_cell_id)
    _orig: _OrigCell | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str | None:
        """The cell title from the marker line (``# %% My title``), if any."""
        value = self.options.get("title")
        return value if isinstance(value, str) else None

    @property
    def line(self) -> int | None:
        """1-based line where the cell started in the file it was read from."""
        return self._orig.line if self._orig else None


@dataclass
class ScriptMetadata:
    """The PEP 723 ``# /// script`` block: exact text plus parsed TOML.

    Edit ``data`` to change the metadata; when ``data`` no longer matches ``raw``
    the block is re-rendered from ``data`` on save.
    """

    raw: str
    data: dict[str, Any]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ScriptMetadata:
        """Build a block from TOML data (rendered canonically)."""
        from .pep723 import render_block

        return cls(raw=render_block(data), data=copy.deepcopy(data))

    @property
    def dependencies(self) -> list[str]:
        deps = self.data.get("dependencies")
        return list(deps) if isinstance(deps, list) else []

    @property
    def requires_python(self) -> str | None:
        value = self.data.get("requires-python")
        return value if isinstance(value, str) else None

    @property
    def reflow(self) -> dict[str, Any]:
        """The ``[tool.reflow]`` table (empty dict if absent)."""
        tool = self.data.get("tool")
        table = tool.get("reflow") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else {}


@dataclass
class _Layout:
    """Text before the first cell, split around the script block (byte-exact rendering)."""

    before: str = ""  # text before the script block (or the whole header without a block)
    block: str | None = None  # the block's text as read, None if the file had none
    after: str = ""  # text between the block and the first cell
    newline: str = "\n"  # the file's line ending, used for newly rendered lines


@dataclass
class Notebook:
    """A notebook: optional script metadata and cells in display order."""

    metadata: ScriptMetadata | None = None
    cells: list[Cell] = field(default_factory=list)
    _layout: _Layout = field(default_factory=_Layout, repr=False, compare=False)
    _bom: bool = field(default=False, repr=False, compare=False)

    @property
    def runtime_mode(self) -> Literal["auto", "lazy"]:
        """``[tool.reflow] runtime``; "auto" unless the notebook says "lazy"."""
        mode = self.metadata.reflow.get("runtime") if self.metadata else None
        return "lazy" if mode == "lazy" else "auto"

    @property
    def header(self) -> str:
        """Text before the first cell other than the script block (shebang, comments...)."""
        return self._layout.before + self._layout.after

    def cell(self, cell_id: str) -> Cell:
        """The cell with this id (KeyError if none)."""
        for c in self.cells:
            if c.id == cell_id:
                return c
        raise KeyError(cell_id)
