"""`reflow check --fix`: the safe fixes, and nothing else.

* RF005: a top-level ``_x = <literal or name>`` (or a plain ``def _f``) that nothing in its cell
  reads is removed -- only when removing it cannot change what the cell does (see
  ``check_rules.unused_privates``).
* RF004: the cells are sorted into execution order, as `reflow sort` does (markdown travels with
  the code cell below it); never when the notebook has a cycle.

Only the cells a fix touches are re-rendered; the rest of the file keeps its bytes. The file is
written once, atomically, and only if something changed.
"""

from __future__ import annotations

from reflow.notebook import write_notebook

from ._load import LoadedNotebook, load
from .check_rules import unused_privates
from .sort import sorted_cells


def remove_unused_privates(source: str) -> tuple[str, list[str]]:
    """The cell's code without its removable unused private bindings, and the names removed."""
    lines = source.split("\n")
    removed: list[str] = []
    drop: set[int] = set()
    for unused in unused_privates(source):
        if unused.removable is None:
            continue
        first, last = unused.removable
        drop.update(range(first - 1, last))
        removed.append(unused.name)
    if not drop:
        return source, []
    kept = [line for i, line in enumerate(lines) if i not in drop]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept), removed


def apply_fixes(nb: LoadedNotebook) -> tuple[LoadedNotebook, list[str]]:
    """Fix what is safe to fix; returns the reloaded notebook and one line per fix applied."""
    done: list[str] = []
    changed = False
    if not nb.shared_privates:
        for cell_id, analysis in nb.analyses.items():
            if analysis.error is not None or cell_id in nb.sql_cells:
                continue
            cell = nb.notebook.cell(cell_id)
            line = nb.code_line(cell_id)
            new_source, removed = remove_unused_privates(cell.source)
            if removed:
                cell.source = new_source
                changed = True
                done.append(f"{nb.path}:{line}: removed unused private {', '.join(repr(n) for n in removed)} [RF005]")
    if changed:
        write_notebook(nb.path, nb.notebook)
        nb = load(str(nb.path))
    if nb.graph.display_order_violations() and not nb.graph.cycles():
        new_order = sorted_cells(nb)
        if [c.id for c in new_order] != [c.id for c in nb.notebook.cells]:
            nb.notebook.cells = new_order
            write_notebook(nb.path, nb.notebook)
            done.append(f"{nb.path}: sorted the cells into execution order [RF004]")
            nb = load(str(nb.path))
    return nb, done
