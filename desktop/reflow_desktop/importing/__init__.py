"""Imports into Reflow: Jupyter .ipynb and marimo notebooks, originals untouched.

``import_notebook(path)`` detects the format, converts, and writes the result
beside the source under a free name (see ``target``); per-cell problems are in
the returned ``ImportResult``.
"""

from __future__ import annotations

from pathlib import Path

from reflow.notebook import render_notebook
from reflow_desktop.lazy import lazy_names

from .result import ImportProblem, ImportResult, NotebookImportError
from .sniff import is_marimo_source
from .target import free_path
from .write import write_new_file

# The converters import IPython and nbformat (seconds); every launch imports this package, few convert.
_LAZY = {
    "convert_ipynb": "ipynb",
    "convert_ipynb_text": "ipynb",
    "read_ipynb": "ipynb",
    "convert_marimo": "marimo",
    "read_marimo": "marimo",
}


__getattr__ = lazy_names(__name__, _LAZY)  # the converters, imported on first use


def detect(path: str | Path) -> str | None:
    """ "ipynb", "marimo", or None (already a Reflow / plain script, or unknown)."""
    path = Path(path)
    if path.suffix.lower() == ".ipynb":
        return "ipynb"
    if path.suffix.lower() == ".py":
        try:
            head = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return "marimo" if is_marimo_source(head) else None
    return None


def convert(path: str | Path) -> ImportResult:
    """Convert without writing (NotebookImportError, a ValueError, if the file cannot be imported)."""
    kind = detect(path)
    if kind == "ipynb":
        from .ipynb import read_ipynb

        return read_ipynb(path)
    if kind == "marimo":
        from .marimo import read_marimo

        return read_marimo(path)
    raise NotebookImportError(f"{path}: not a Jupyter (.ipynb) or marimo notebook")


def import_notebook(path: str | Path, out: str | Path | None = None) -> ImportResult:
    """Convert and write; ``out`` must not exist (FileExistsError), default: a free name beside it."""
    return write_result(convert(path), out)


def write_result(result: ImportResult, out: str | Path | None = None) -> ImportResult:
    """Write a conversion to ``out`` (must not exist) or a free name beside its source."""
    source = result.source
    target = Path(out) if out is not None else free_path(source)
    try:
        write_new_file(target, render_notebook(result.notebook).encode("utf-8"))
    except FileExistsError:
        raise FileExistsError(f"{target}: already exists; choose another name with -o") from None
    result.path = target
    return result


__all__ = [
    "ImportProblem",
    "ImportResult",
    "NotebookImportError",
    "convert",
    "convert_ipynb",
    "convert_ipynb_text",
    "convert_marimo",
    "detect",
    "free_path",
    "import_notebook",
    "read_ipynb",
    "read_marimo",
    "render_notebook",
    "write_result",
]
