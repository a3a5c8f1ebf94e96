"""Notebook → a flat Python script in execution order (`reflow export script`).

Unlike the notebook file itself (display order), the result runs top to bottom
even when the display order is not a valid execution order. Markdown cells
become comments where they stood relative to the following code.
"""

from __future__ import annotations

from reflow.notebook import Notebook
from reflow.notebook.sql_cells import export_source

from .order import execution_order


def _comment(text: str) -> str:
    return "\n".join(f"# {ln}" if ln else "#" for ln in text.split("\n"))


def notebook_to_script(nb: Notebook, *, markdown: bool = True) -> str:
    """The script text: PEP 723 block, then ``# %%`` cells in execution order."""
    parts: list[str] = []
    if nb.metadata is not None:
        parts.append(nb.metadata.raw.rstrip("\n"))
    order = execution_order(nb)
    pending_md: dict[str, list[str]] = {}
    if markdown:  # attach each markdown cell to the next code cell in display order
        notes: list[str] = []
        for cell in nb.cells:
            if cell.kind == "markdown":
                notes.append(cell.source)
            elif notes:
                pending_md[cell.id], notes = notes, []
        trailing = notes
    else:
        trailing = []
    for cell in order:
        for note in pending_md.get(cell.id, ()):
            parts.append("# %% [markdown]\n" + _comment(note))
        title = cell.title
        code = export_source(cell.source, cell.options)  # an SQL cell: Python calling duckdb
        parts.append(("# %% " + title if title else "# %%") + "\n" + code.rstrip("\n"))
    for note in trailing:
        parts.append("# %% [markdown]\n" + _comment(note))
    return "\n\n".join(p for p in parts if p) + "\n"
