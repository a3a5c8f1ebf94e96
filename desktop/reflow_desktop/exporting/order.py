"""Execution order of a notebook's code cells, computed statically.

Exports run or list cells in the order the runtime would use (display order
where it is valid), so a flat script and ipynb execution counts match a run.
"""

from __future__ import annotations

from reflow.analysis import analyze_cell
from reflow.graph import DataflowGraph
from reflow.notebook import Cell, Notebook
from reflow.notebook.metadata import shared_privates
from reflow.notebook.sql_cells import runnable_source


def execution_order(nb: Notebook) -> list[Cell]:
    """Code cells in a valid execution order (ties and cycles fall back to display order)."""
    code = [c for c in nb.cells if c.kind == "code"]
    graph = DataflowGraph()
    shared = shared_privates(nb)  # [tool.reflow] underscore_names = "shared"
    for cell in code:
        graph.set_cell(cell.id, analyze_cell(runnable_source(cell.source, cell.options), shared_privates=shared))
    graph.set_display_order([c.id for c in code])
    by_id = {c.id: c for c in code}
    ordered = [by_id[i] for i in graph.execution_order() if i in by_id]
    seen = {c.id for c in ordered}
    return ordered + [c for c in code if c.id not in seen]
