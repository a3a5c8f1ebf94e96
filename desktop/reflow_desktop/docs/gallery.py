"""The example gallery (``examples/gallery/*.py``): each notebook's title and summary,
read from its first markdown cell, for the docs page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reflow.notebook import NotebookFormatError, read_notebook
from reflow_desktop import resources


@dataclass(frozen=True)
class Example:
    file: str  # "01_widgets.py"
    title: str
    summary: str


def gallery_dir() -> Path | None:
    """``examples/gallery`` in a checkout or an install."""
    return next((c / "gallery" for c in resources.examples_candidates() if (c / "gallery").is_dir()), None)


def describe(path: Path) -> Example:
    """Title: the first markdown heading; summary: the paragraph after it."""
    title, summary = path.stem, ""
    try:
        nb = read_notebook(path)
    except (OSError, NotebookFormatError):
        return Example(path.name, title, "")
    md = next((c.source for c in nb.cells if c.kind == "markdown"), "")
    paragraphs = [p.strip() for p in md.split("\n\n") if p.strip()]
    if paragraphs and paragraphs[0].startswith("#"):
        title = paragraphs.pop(0).lstrip("#").strip()
    if paragraphs:
        summary = " ".join(line.strip() for line in paragraphs[0].splitlines())
    return Example(path.name, title, summary)


def examples(directory: Path | None = None) -> tuple[Example, ...]:
    d = directory if directory is not None else gallery_dir()
    if d is None:
        return ()
    return tuple(describe(p) for p in sorted(d.glob("*.py")))
