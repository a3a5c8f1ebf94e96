"""Opening a Jupyter or marimo notebook: convert it beside the original, open the copy.

Shared by every way of opening a file (CLI, desktop shell) so that "open
nb.ipynb" behaves the same everywhere: the original is never modified, the
converted notebook gets a free name next to it, and the conversion's per-cell
problems are returned for the UI to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reflow.notebook import render_notebook
from reflow_desktop.session.opening import example_copy

from . import convert, detect, write_result
from .target import earlier_conversions


@dataclass
class OpenTarget:
    """The Reflow notebook to open and what the user should be told about it."""

    path: Path
    notices: list[str] = field(default_factory=list)


def reflow_notebook_for(path: str | Path) -> OpenTarget:
    """The file to open for ``path``: itself, the user's copy of a shipped example, or a converted
    copy for .ipynb / marimo files.

    Opening the same unchanged notebook again opens the copy made last time if
    nobody edited it (same text); otherwise a new copy is written beside it.
    """
    source = Path(path)
    copy = example_copy(source)  # a shipped example is never edited in place
    if copy is not None:
        return OpenTarget(copy.path, [copy.notice])
    kind = detect(source) if source.is_file() else None
    if kind is None:
        return OpenTarget(source)
    result = convert(source)
    label = "Jupyter notebook" if kind == "ipynb" else "marimo notebook"
    text = render_notebook(result.notebook).encode("utf-8")
    same = next((p for p in earlier_conversions(source) if _bytes(p) == text), None)
    if same is not None:
        notices = [f"Opened {same.name}, converted earlier from the {label} {source.name} (neither has changed since)."]
    else:
        write_result(result)
        assert result.path is not None
        notices = [f"Converted the {label} {source.name} into {result.path.name}; the original is unchanged."]
    notices += [f"{source.name}: {problem}" for problem in result.problems]
    return OpenTarget(same or result.path or source, notices)


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
