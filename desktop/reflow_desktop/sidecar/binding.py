"""The sidecar side of one Session: restore on open, save outputs, watch the file.

It reaches its session only through ``SidecarDoor`` (read cells and their shown
state, broadcast, hand a file reload back) and registers its writes with the
session's ``SaveManager``:

- ``restore()`` → the stored outputs for the current cells (the session puts them
  into its cell cache, so the first ``session`` message already shows them);
- ``observe_event(event)`` — a step of the kernel event pipeline → which code
  produced a cell's outputs, the ``reflow.ui`` values the kernel keeps (``ui_kept``:
  per cell, by slot key; stored with the cell's outputs so they find the cell again
  on the next open and go back to the kernel in ``open``); sidecar write scheduled;
  a finished operation (``done``) → snapshots refreshed;
- ``cells_changed()`` / ``saved()`` / ``follow(path)`` → structure changed, the
  app wrote the file itself, Save As (outputs follow the notebook);
- ``start()`` / ``close()`` → watcher task, final flush;
- ``may_autosave()`` → compares the file on disk with what was last read or written
  (content hash); False while a conflict with it is unresolved; the text goes to a
  recovery file instead, so neither side is lost.

The hash stored with a cell's outputs is the hash of the code that *produced*
them (taken when the run starts), not of the current code: an edited but not
re-run cell must come back stale next time too.
"""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from reflow.notebook import render_notebook
from reflow_desktop import protocol as P
from reflow_desktop.session.doors import SidecarDoor
from reflow_desktop.session.saves import Policy, SaveManager
from reflow_desktop.sidecar.format import CellRecord, SidecarData, cell_ui_values, code_hash
from reflow_desktop.sidecar.history_recorder import HistoryRecorder
from reflow_desktop.sidecar.recovery import RecoveryFile, list_recoverable
from reflow_desktop.sidecar.snapshots import SnapshotWriter
from reflow_desktop.sidecar.store import CellSource, RestoredCell, SidecarStore
from reflow_desktop.sidecar.watch import FileWatcher, ReloadPlan, plan_reload
from reflow_desktop.sidecar.writer import DEFAULT_DELAY_S, SidecarWriter

log = logging.getLogger(__name__)

_WRITE_TRIGGERS = frozenset({"cell_status", "cell_clear", "cell_output", "ui_values", "ui_kept"})
RECOVERY = "recovery"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class SessionSidecar:
    """Binds a session (through its door) to its ``__reflow__/`` sidecar, recovery slot and file watcher."""

    def __init__(
        self, door: SidecarDoor, saves: SaveManager, *, delay: float = DEFAULT_DELAY_S, watch_interval: float = 1.0
    ) -> None:
        self.door = door
        self.store = SidecarStore(door.path)
        self.writer = SidecarWriter(self.store, delay=delay, on_notice=self._notice, saves=saves)
        self.snapshots = SnapshotWriter(door, self._notice, saves=saves)  # [tool.reflow] snapshots
        self.history = HistoryRecorder(door, saves, door.parents_of, self._notice, delay=delay)  # every run kept
        # What Reflow last read or wrote, fingerprinted now (the session has just read the file);
        # polled once started, and compared before every autosave.
        self.watcher: FileWatcher | None = FileWatcher(door.path, self._on_file_change, interval=watch_interval)
        self.watch_interval = watch_interval
        self._saving = False  # inside the pre-save check: the edits being saved are unsaved
        self.produced: dict[str, str] = {}  # cell id -> hash of the code its outputs came from
        self.ran_at: dict[str, str] = {}
        self.ui_values: dict[str, dict[str, Any]] = {}  # cell id -> slot key -> value (reflow.ui._persist)
        self.notices: list[tuple[str, str]] = []  # (level, text) to show once a client connects
        self.conflict: ReloadPlan | None = None
        self.recovery: RecoveryFile | None = None
        self._recovery_reason = "unsaved"
        self._saves = saves
        saves.register(RECOVERY, self._write_recovery, Policy(None))  # written when needed, at once
        self.offer_recovery()

    # --- open ---------------------------------------------------------------------------
    def restore(self) -> dict[str, RestoredCell]:
        """Stored outputs for the current cells (``idle`` when their code is unchanged)."""
        loaded = self.store.load()
        if loaded.notice:
            self.notices.append(("warning", loaded.notice))
        self.notices.extend(("warning", note) for note in self.history.load())
        if loaded.data is None:
            return {}
        cells = [CellSource(c.id, c.kind, c.source) for c in self.door.notebook.cells]
        restored = self.store.restore(cells, loaded.data)
        for cid, rc in restored.items():
            self.produced[cid] = rc.code_hash
            if rc.ran_at:
                self.ran_at[cid] = rc.ran_at
            if rc.ui_values:
                self.ui_values[cid] = dict(rc.ui_values)
        return restored

    def offer_recovery(self) -> None:
        """Tell the user about a recovery copy of this notebook left by a crashed window."""
        for entry in list_recoverable():
            if entry.origin == str(self.door.path):
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
                self.notices.append(
                    (
                        "warning",
                        f"Unsaved edits to {self.door.path.name} from {when} were recovered after "
                        f"Reflow closed unexpectedly; they are in {entry.path}. Open that file to "
                        "compare or copy them back.",
                    )
                )

    def pending_notices(self) -> list[dict[str, Any]]:
        """Notices from opening (corrupt sidecar…) as protocol messages; given once."""
        out = [P.notice_msg(level, text) for level, text in self.notices]  # type: ignore[arg-type]  # levels: str
        self.notices.clear()
        return out

    def start(self) -> None:
        """Start watching the notebook file (needs the running event loop)."""
        if self.watcher is None:
            self.watcher = FileWatcher(self.door.path, self._on_file_change, interval=self.watch_interval)
        self.watcher.interval = self.watch_interval
        self.watcher.start()

    async def close(self) -> None:
        """Stop watching; the session's save manager flushes the writes."""
        if self.watcher is not None:
            await self.watcher.stop()
        if self.recovery is not None and self.conflict is None and not self.door.dirty:
            self.recovery.discard()  # the file has everything: nothing to recover

    async def follow(self, path: Path) -> None:
        """Save As: outputs, snapshots and the watch move to ``path`` (the session's new file)."""
        self.store = SidecarStore(path)
        self.writer.store = self.store
        if self.watcher is not None:
            await self.watcher.stop()
            self.watcher = None
            self.start()
        if not self.door.read_only:
            self.writer.schedule(self.snapshot)
            await self.history.follow(path)

    # --- outputs: a step of the kernel event pipeline ------------------------------------
    def observe_event(self, event: dict[str, Any]) -> None:
        """Called with every (unfolded) kernel event; never raises into the session."""
        try:
            self._observe(event)
        except Exception:  # losing a sidecar write must not break the pipeline
            log.exception("sidecar: observing %s failed", event.get("type"))

    def _observe(self, event: dict[str, Any]) -> None:
        etype = event.get("type")
        self.history.observe(event)
        if etype == "done":
            self.snapshots.run_finished()
            return
        if etype == "ui_kept" and isinstance(event.get("cells"), dict):
            self._keep_ui_values(event["cells"])
        cid = event.get("id")
        if isinstance(cid, str) and (
            etype == "cell_clear"
            or (etype == "cell_status" and event.get("status") == "running")
            or (etype == "cell_output" and cid not in self.produced)
        ):
            self._mark_ran(cid)
        if etype in _WRITE_TRIGGERS:
            self._schedule()

    def _keep_ui_values(self, cells: dict[Any, Any]) -> None:
        """The kernel's kept reflow.ui values of some cells (all of each cell's); given back on the next open."""
        for cid, raw in cells.items():
            values, _ = cell_ui_values(raw)
            if not isinstance(cid, str):
                continue
            if values:
                self.ui_values[cid] = values
            else:
                self.ui_values.pop(cid, None)

    def cells_changed(self) -> None:
        """The cell list or the kernel's state changed: the stored outputs follow."""
        self._schedule()
        self.history.cells_changed()

    def _schedule(self) -> None:
        if not self.door.read_only:
            self.writer.schedule(self.snapshot)

    def _mark_ran(self, cell_id: str) -> None:
        cell = self.door.cell_of(cell_id)
        if cell is not None:
            self.produced[cell_id] = code_hash(cell.source)
            self.ran_at[cell_id] = _now()

    def snapshot(self) -> SidecarData | None:
        """The sidecar content for the session's current state (called at write time).

        None (nothing written) while no cell has outputs to keep and no sidecar
        exists yet: merely opening a notebook does not create ``__reflow__/``.
        """
        records = []
        for cell in self.door.notebook.cells:
            h = self.produced.get(cell.id)
            status = self.door.status_of(cell.id)
            if cell.kind != "code" or h is None or status is None:
                continue
            records.append(
                CellRecord(
                    code_hash=h,
                    status=status,
                    outputs=list(self.door.outputs_of(cell.id)),
                    ran_at=self.ran_at.get(cell.id),
                    ui_values=dict(self.ui_values.get(cell.id, {})),
                )
            )
        if not any(r.outputs or r.ui_values for r in records) and not self.store.path.exists():
            return None
        return SidecarData(self.door.path.name, records)

    def _notice(self, level: str, text: str) -> None:
        if self.door.has_clients:
            self.door.broadcast(P.notice_msg(level, text))  # type: ignore[arg-type]  # our levels, typed as str
        else:
            self.notices.append((level, text))

    # --- code autosave / conflicts --------------------------------------------------------
    def may_autosave(self) -> bool:
        """False while the file on disk and the session both changed: keep the edits aside.

        First the file on disk is compared (content hash) with what Reflow last read or wrote:
        another writer's change since then — even one made a moment ago, before the watcher's
        next poll — is never overwritten; the user's edits go to a recovery file and the UI is asked.
        """
        self.changed_on_disk()
        if self.conflict is None:
            return True
        self._save_recovery("conflict")
        return False

    def changed_on_disk(self) -> bool:
        """Compare the file with what was last read or written; True if that found a new conflict.

        An explicit save calls it too: a change the user has not been told about is not overwritten
        by it either (the next save, after the notice, is the user's choice).
        """
        if self.conflict is not None or self.watcher is None:
            return False
        self._saving = True
        try:
            self.watcher.check()  # a new content → _on_file_change → a conflict (we have unsaved edits)
        finally:
            self._saving = False
        return self.conflict is not None

    def save_failed(self, exc: OSError | ValueError) -> None:
        """The notebook file cannot be written: keep the text in a recovery file meanwhile."""
        self._save_recovery("unsaved")

    def _save_recovery(self, reason: str) -> None:
        self._recovery_reason = reason
        self._saves.save_sync(RECOVERY)

    def _write_recovery(self) -> bool:
        reason = self._recovery_reason
        if self.recovery is None or self.recovery.reason != reason:
            self.recovery = RecoveryFile(origin=self.door.path, name=self.door.path.name, reason=reason)
        try:
            self.recovery.save(render_notebook(self.door.notebook))
        except (OSError, ValueError) as exc:
            log.warning("cannot write the recovery file: %s", exc)
            return False
        return True

    def file_taken(self) -> None:
        """The session took the file's current content as read (uv edited its block): not a conflict."""
        if self.watcher is not None:
            self.watcher.acknowledge()

    def hold_watch(self) -> contextlib.AbstractContextManager[None]:
        """No file-change polls inside (uv writes the file); its result is then the session's own."""
        return self.watcher.held() if self.watcher is not None else contextlib.nullcontext()

    def saved(self) -> None:
        """The session wrote the notebook file: not an external change; conflicts and recovery end."""
        if self.watcher is not None:
            self.watcher.acknowledge()
        if self.conflict is not None:
            self.conflict = None  # an explicit save chose the session's version
            self._notice("info", f"Saved your version of {self.door.path.name}.")
        if self.recovery is not None:
            self.recovery.discard()
            self.recovery = None
        self._saves.forget_changes(RECOVERY)

    # --- external changes -------------------------------------------------------------------
    def _on_file_change(self, data: bytes | None) -> None:
        d = self.door
        if d.closed:
            return
        diverged = self.conflict is not None and self.conflict.kind == "conflict"
        plan = plan_reload(d.notebook, d.dirty or diverged or self._saving, data, d.path.name)
        if plan.kind == "unchanged":
            self.conflict = None  # the file is back to what we have
            return
        if plan.kind == "reload":
            self.conflict = None
            self.apply_reload(plan)
        elif plan.kind in ("conflict", "invalid"):  # autosave paused: never overwrite silently
            self.conflict = plan
            self._save_recovery("conflict")
        self._notice("info" if plan.kind == "reload" else "warning", plan.message)

    def apply_reload(self, plan: ReloadPlan) -> None:
        """Hand the file's notebook to the session; unchanged cells keep ids, outputs and kernel state."""
        assert plan.notebook is not None
        for cid in plan.removed:
            self.produced.pop(cid, None)
            self.ran_at.pop(cid, None)
            self.ui_values.pop(cid, None)
        self.door.reload_from_file(plan.notebook)
