"""Opening a Jupyter or marimo notebook: convert it beside the original, open the copy.

Shared by every way of opening a file (CLI, desktop shell) so that "open
nb.ipynb" behaves the same everywhere: the original is never modified, the
converted notebook gets a free name next to it, and the conversion's per-cell
problems are returned for the UI to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import detect, import_notebook


@dataclass
class OpenTarget:
    """The Reflow notebook to open and what the user should be told about it."""

    path: Path
    notices: list[str] = field(default_factory=list)


def reflow_notebook_for(path: str | Path) -> OpenTarget:
    """The file to open for ``path``: itself, or a converted copy for .ipynb / marimo files."""
    source = Path(path)
    kind = detect(source) if source.is_file() else None
    if kind is None:
        return OpenTarget(source)
    result = import_notebook(source)
    assert result.path is not None
    label = "Jupyter notebook" if kind == "ipynb" else "marimo notebook"
    notices = [f"Converted the {label} {source.name} into {result.path.name}; "
               f"the original is unchanged."]
    notices += [f"{source.name}: {problem}" for problem in result.problems]
    return OpenTarget(result.path, notices)
