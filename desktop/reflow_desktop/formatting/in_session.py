"""Format cells of a live notebook: the session's one transaction, and a notice saying what happened.

Runs ruff off the event loop (one subprocess per cell), then applies every changed cell as one
``SetCode`` transaction, so pages and the kernel see one change and undo-free editors stay in step.
A cell edited while ruff ran is not overwritten: its newer code wins and it is reported as skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from reflow.notebook import Notebook
from reflow.notebook.document import SetCode, Transaction

from .cells import CellFormat, format_source, formattable, ruff_table


class FormatDoor(Protocol):
    """What formatting needs of a session: its notebook, its path and the one way to change it."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    def apply(self, tx: Transaction) -> object: ...


def _number(notebook: Notebook, cell_id: str) -> int:
    return next(i for i, c in enumerate(notebook.cells, start=1) if c.id == cell_id)


def summary(notebook: Notebook, results: Sequence[CellFormat], *, asked: int) -> str:
    """One sentence for the notice: how many cells changed, and why any were skipped."""
    if asked == 0:
        return "Nothing to format: only Python code cells are formatted (not markdown or SQL)."
    skipped = [
        f"Cell {_number(notebook, r.cell_id)} not formatted: {r.reason}." for r in results if r.status == "skipped"
    ]
    changed = sum(r.status == "formatted" for r in results)
    if asked == 1:
        head = "" if skipped else ("Cell formatted." if changed else "Cell already formatted.")
    else:
        head = f"Formatted {changed} of {asked} cells."
    return " ".join(p for p in [head, *skipped] if p)


async def format_cells(door: FormatDoor, ids: Sequence[str] | None) -> tuple[list[CellFormat], int]:
    """Format the given cells (None: every Python code cell); returns the results and how many were asked."""
    notebook = door.notebook
    known = {c.id: c for c in notebook.cells}
    wanted = [known[i] for i in ids if i in known] if ids is not None else list(notebook.cells)
    missing = [i for i in ids or () if i not in known]
    if missing:
        raise KeyError(f"no cell {missing[0]!r}")
    cells = [c for c in wanted if formattable(c)]
    table = ruff_table(notebook.metadata.data if notebook.metadata else None)
    path = door.path
    before = {c.id: c.source for c in cells}
    loop = asyncio.get_running_loop()

    def work() -> list[CellFormat]:
        return [format_source(cid, code, ruff_table=table, path=path) for cid, code in before.items()]

    results = await loop.run_in_executor(None, work)  # FormatterUnavailable propagates to the caller
    current = {c.id: c.source for c in door.notebook.cells}
    final: list[CellFormat] = []
    for r in results:
        if r.status == "formatted" and current.get(r.cell_id) != before[r.cell_id]:
            r = CellFormat(r.cell_id, "skipped", reason="it changed while it was being formatted")
        final.append(r)
    changes = tuple(SetCode(r.cell_id, r.code) for r in final if r.status == "formatted" and r.code is not None)
    if changes:
        door.apply(Transaction(changes, "ui"))
    return final, len(cells)


async def handle_format_cells(
    door: FormatDoor, ids: Sequence[str] | None, reply: Callable[[dict[str, Any]], None]
) -> None:
    """The `format_cells` message: format, apply, and answer the page with a notice."""
    from reflow_desktop import protocol as P
    from reflow_desktop.formatting.ruff_format import FormatterUnavailable

    try:
        results, asked = await format_cells(door, ids)
    except FormatterUnavailable as exc:
        reply(P.notice_msg("error", f"Cannot format: {exc}."))
        return
    skipped = any(r.status == "skipped" for r in results)
    reply(P.notice_msg("warning" if skipped else "info", summary(door.notebook, results, asked=asked)))


async def format_before_save(door: FormatDoor, reply: Callable[[dict[str, Any]], None]) -> None:
    """Format on save (the `format_on_save` setting): every Python cell; only problems are told."""
    from reflow_desktop import protocol as P
    from reflow_desktop.formatting.ruff_format import FormatterUnavailable

    try:
        results, asked = await format_cells(door, None)
    except FormatterUnavailable as exc:
        reply(P.notice_msg("warning", f"Saved without formatting: {exc}."))
        return
    if any(r.status == "skipped" for r in results):
        reply(P.notice_msg("warning", summary(door.notebook, results, asked=asked)))
