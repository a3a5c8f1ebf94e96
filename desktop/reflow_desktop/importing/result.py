"""What an import returns: the converted notebook and per-cell problems.

Problems are reported, never raised: a notebook with a shell escape in one
cell still imports, and the user sees exactly which cell was changed and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reflow.notebook import Notebook

Level = Literal["info", "warning", "error"]


class NotebookImportError(ValueError):
    """The file cannot be imported at all (not a notebook, unsupported format, too big...).

    The message names the file; the original is never touched.
    """


@dataclass(frozen=True)
class ImportProblem:
    """One thing the converter had to change or could not keep in a cell."""

    cell: int | None  # 1-based index in the SOURCE notebook (None: whole notebook)
    line: int | None  # 1-based line within that cell's source
    level: Level
    message: str

    def __str__(self) -> str:
        where = "notebook" if self.cell is None else f"cell {self.cell}"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class ImportResult:
    """A converted notebook (not yet written unless ``path`` is set)."""

    notebook: Notebook
    source: Path
    problems: list[ImportProblem] = field(default_factory=list)
    path: Path | None = None  # where it was written
