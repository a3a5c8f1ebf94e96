"""Shared loading for the offline commands: read a notebook, analyse, build its graph.

`check`, `sort` and `script` all need the same three steps and the same
file:line diagnostics, so they live here once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from reflow.analysis import CellAnalysis, analyze_cell
from reflow.graph import DataflowGraph
from reflow.notebook import Cell, Notebook, NotebookFormatError, read_notebook
from reflow.notebook.metadata import reflow_config, shared_privates
from reflow.notebook.sql_cells import SqlCellError, is_sql, output_kind, result_name, runnable_source


@dataclass
class LoadedNotebook:
    """A notebook read from disk with each code cell analysed and put in one graph."""

    path: Path
    notebook: Notebook
    analyses: dict[str, CellAnalysis]
    graph: DataflowGraph
    sql_cells: set[str] = field(default_factory=set)  # SQL cells, analysed through their duckdb call
    sql_errors: dict[str, str] = field(default_factory=dict)  # SQL cells whose options are invalid
    shared_privates: bool = False  # [tool.reflow] underscore_names = "shared"

    def code_line(self, cell_id: str, lineno: int | None = 1) -> int:
        """File line of line ``lineno`` (1-based) of a cell's code."""
        cell = self.notebook.cell(cell_id)
        return code_start_line(cell) + max((lineno or 1) - 1, 0)

    def where(self, cell_id: str, lineno: int | None = 1) -> str:
        """``path:line`` for diagnostics, clickable in terminals and editors."""
        return f"{self.path}:{self.code_line(cell_id, lineno)}"


def code_start_line(cell: Cell) -> int:
    """The file line holding the first line of the cell's code (after its `# %%` marker)."""
    start = cell.line or 1
    has_marker = cell._orig is not None and cell._orig.marker is not None
    return start + 1 if has_marker else start


def load(path_arg: str) -> LoadedNotebook:
    """Read and analyse a notebook; raises NotebookFormatError or OSError with a clear message."""
    path = Path(path_arg)
    notebook = read_notebook(path)
    graph = DataflowGraph(strict=reflow_config(notebook).get("strict") is True)  # [tool.reflow] strict
    shared = shared_privates(notebook)  # [tool.reflow] underscore_names = "shared"
    analyses: dict[str, CellAnalysis] = {}
    sql_cells: set[str] = set()
    sql_errors: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.kind != "code":
            continue
        if is_sql(cell.options):
            sql_cells.add(cell.id)
            try:
                result_name(cell.options)
                output_kind(cell.options)
            except SqlCellError as exc:
                sql_errors[cell.id] = str(exc)
        analysis = analyze_cell(runnable_source(cell.source, cell.options), shared_privates=shared)
        analyses[cell.id] = analysis
        graph.set_cell(cell.id, analysis)
    graph.set_display_order([c.id for c in notebook.cells if c.kind == "code"])
    return LoadedNotebook(path, notebook, analyses, graph, sql_cells, sql_errors, shared)


def try_load(path_arg: str) -> LoadedNotebook | tuple[int, str]:
    """Like `load`, but a bad file gives (line, message) instead of raising."""
    try:
        return load(path_arg)
    except NotebookFormatError as exc:
        return getattr(exc, "lineno", None) or 1, str(getattr(exc, "message", exc))
    except FileNotFoundError:
        return 1, "no such file"
    except IsADirectoryError:
        return 1, "is a directory, not a notebook file"
    except OSError as exc:
        return 1, f"cannot read: {exc.strerror or exc}"


def load_or_report(path_arg: str) -> LoadedNotebook | None:
    """Like `load`, but print ``path:line: error: ...`` and return None on bad input."""
    found = try_load(path_arg)
    if isinstance(found, LoadedNotebook):
        return found
    line, message = found
    if message in ("no such file", "is a directory, not a notebook file") or message.startswith("cannot read"):
        print(f"{path_arg}: error: {message}", file=sys.stderr)
    else:
        print(f"{path_arg}:{line}: error: {message}", file=sys.stderr)
    return None
