"""Feeds a session's finished runs into its ``HistoryStore``, off the hot path.

On the event loop a finished run costs a shallow copy of the cell's output list and an
append (``observe``); hashing, JSON encoding, the atomic writes, the budget and the
clean-up happen in a worker thread when the session's ``SaveManager`` (the one owner of
saves, also the sidecar writer's) fires the ``history`` entry: with the sidecar's own
policy, at most once a ``delay`` however many runs a slider drag causes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reflow.notebook import Cell
from reflow_desktop.session.doors import SidecarDoor
from reflow_desktop.session.saves import Policy, SaveManager
from reflow_desktop.sidecar.format import code_hash
from reflow_desktop.sidecar.history import MB, CellHistoryView, FinishedRun, HistoryStore

log = logging.getLogger(__name__)

SAVEABLE = "history"
FINISHED = frozenset({"idle", "error", "interrupted"})  # a run that ended with whatever it showed
NoticeCallback = Callable[[str, str], None]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def budget_bytes() -> int:
    """The user's ``history_budget_mb`` setting in bytes."""
    from reflow_desktop.settings import load_settings

    return int(load_settings().history_budget_mb) * MB


class HistoryRecorder:
    """Collects finished runs of one session and writes them to its history store."""

    def __init__(
        self,
        door: SidecarDoor,
        saves: SaveManager,
        parents_of: Callable[[str], list[str]],
        on_notice: NoticeCallback,
        *,
        delay: float,
    ) -> None:
        self.door = door
        self.parents_of = parents_of
        self.on_notice = on_notice
        self.store = HistoryStore(door.path, budget_bytes=budget_bytes())
        self.failed = False
        self.writes = 0  # tests wait on it
        self._running: dict[str, tuple[str, str]] = {}  # cell id -> (code when it started, when)
        self._pending: list[FinishedRun] = []
        self._saves = saves
        saves.register(SAVEABLE, self._write, Policy(delay, ceiling=delay))

    def load(self) -> list[str]:
        """Read the stored history for the current cells; notes for the user."""
        self.store.load(self._cells())
        notes, self.store.notes = self.store.notes, []
        return notes

    def _cells(self) -> list[tuple[str, str]]:
        return [(c.id, code_hash(c.source)) for c in self.door.notebook.cells if c.kind == "code"]

    # --- event loop: cheap -------------------------------------------------------------------
    def observe(self, event: dict[str, Any]) -> None:
        """A kernel event (after the session applied it): a run starts or ends."""
        if event.get("type") != "cell_status" or self.door.read_only:
            return
        cid, status = event.get("id"), event.get("status")
        if not isinstance(cid, str):
            return
        if status == "running":
            cell = self._cell(cid)
            if cell is not None:
                self._running[cid] = (cell.source, _now())
            return
        if status not in FINISHED or cid not in self._running:
            return
        code, ran_at = self._running.pop(cid)
        parents = [p.source for p in map(self._cell, self.parents_of(cid)) if p is not None]
        outputs = self.door.outputs_of(cid)
        self._pending.append(FinishedRun(cid, code, tuple(parents), ran_at, outputs))
        self._saves.changed(SAVEABLE)

    def _cell(self, cid: str) -> Cell | None:
        return self.door.cell_of(cid)

    def cells_changed(self) -> None:
        """Cells deleted or the file re-read: the index follows at the next write."""
        if not self.door.read_only:
            self._saves.changed(SAVEABLE)

    # --- worker thread ---------------------------------------------------------------------------
    async def _write(self) -> bool:
        runs, self._pending = self._pending, []
        cells = [(c.id, c.source) for c in self.door.notebook.cells if c.kind == "code"]
        try:
            await asyncio.to_thread(self._write_now, runs, cells)
        except (OSError, ValueError, TypeError) as exc:
            self._report(exc)
            return True  # not retried: the next run brings the next write
        self.writes += 1
        self.failed = False
        return True

    def _write_now(self, runs: list[FinishedRun], cells: list[tuple[str, str]]) -> None:
        for run in runs:  # inputs: the code hashes of the cells read from (hashed here, not on the loop)
            run.inputs = tuple(code_hash(src) for src in run.inputs)
        self.store.budget_bytes = budget_bytes()  # a changed setting counts from the next write on
        self.store.add(runs, [(cid, code_hash(src)) for cid, src in cells])

    def _report(self, exc: Exception) -> None:
        if self.failed:
            return
        self.failed = True
        reason = getattr(exc, "strerror", None) or str(exc)
        text = f"Output history cannot be saved ({reason}); outputs and code are saved as usual."
        log.warning("%s", text)
        self.on_notice("warning", text)

    # --- the UI asks ------------------------------------------------------------------------------
    async def view(self, cell_id: str) -> CellHistoryView:
        """The cell's history with its outputs (runs not yet written are written first), read in a worker thread."""
        await self._saves.save(SAVEABLE)
        return await asyncio.to_thread(self.store.view, cell_id)

    async def follow(self, path: Path) -> None:
        """Save As: the history is copied beside the new file, then written there."""
        try:
            self.store = await asyncio.to_thread(self.store.copy_to, path)
        except OSError as exc:
            self._report(exc)
            self.store = HistoryStore(path, budget_bytes=self.store.budget_bytes)
        self._saves.changed(SAVEABLE)


def history_message(request_id: str, cell_id: str, view: CellHistoryView) -> dict[str, Any]:
    """The ``cell_history`` answer to a page's ``history_get``."""
    entries = [{"key": e.key, "code": e.code, "ran_at": e.ran_at, "outputs": e.outputs} for e in view.entries]
    return {"type": "cell_history", "request_id": request_id, "id": cell_id, "entries": entries, "notes": view.notes}
