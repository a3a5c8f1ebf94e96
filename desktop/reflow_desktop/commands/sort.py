"""`reflow sort nb.py`: reorder cells so that running top to bottom works.

Only the order changes: each cell keeps its exact text, markdown cells travel
with the code cell that follows them, and an already valid notebook is left
byte for byte as it is. The file is rewritten atomically.
"""

from __future__ import annotations

import argparse
import sys

from reflow.notebook import Cell, write_notebook

from ._load import LoadedNotebook, load_or_report


def sorted_cells(nb: LoadedNotebook) -> list[Cell]:
    """Cells in the graph's stable execution order; markdown stays attached to the next code cell."""
    groups: dict[str, list[Cell]] = {}
    pending: list[Cell] = []
    for cell in nb.notebook.cells:
        pending.append(cell)
        if cell.kind == "code":
            groups[cell.id] = pending
            pending = []
    ordered = [cell for cell_id in nb.graph.execution_order() for cell in groups[cell_id]]
    return ordered + pending  # trailing markdown stays at the end


def run(args: argparse.Namespace) -> int:
    """Rewrite the notebook in execution order; with --check, exit 1 if it would change."""
    nb = load_or_report(args.notebook)
    if nb is None:
        return 1
    if nb.graph.cycles():
        print(f"{args.notebook}: error: the notebook has a cycle; run `reflow check` to see it", file=sys.stderr)
        return 1
    new_order = sorted_cells(nb)
    if [c.id for c in new_order] == [c.id for c in nb.notebook.cells]:
        print(f"{args.notebook}: already in execution order")
        return 0
    if args.check:
        print(f"{args.notebook}: cells are not in execution order")
        return 1
    nb.notebook.cells = new_order
    write_notebook(nb.path, nb.notebook)
    print(f"{args.notebook}: sorted {len(nb.graph.cells())} code cells into execution order")
    return 0
