"""The sidecar side of one Session: restore on open, save outputs, watch the file.

Kept out of ``session.py`` so the session only needs a few hooks:

- ``SessionSidecar(session)`` in the constructor → outputs restored into the cell cache
  (so the first ``session`` message already shows them, ``idle`` or ``stale``);
- ``accept_kernel_event(event)`` before the cache applies a kernel event → the
  fresh kernel's blanket ``stale`` does not hide that restored cells are current;
- ``observe(msg)`` for every message the session broadcasts → snapshot scheduled
  (debounced, coalesced, written off the event loop); ``saved`` → the watcher
  learns the app's own write;
- ``start()`` / ``close()`` → watcher task, final flush;
- ``may_autosave()`` → False while a conflict with the file on disk is unresolved;
  the text goes to a recovery file instead, so neither side is lost.

The hash stored with a cell's outputs is the hash of the code that *produced*
them (taken when the run starts), not of the current code: an edited but not
re-run cell must come back stale next time too.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from reflow.notebook import render_notebook

from reflow_desktop import protocol as P
from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.recovery import RecoveryFile, list_recoverable
from reflow_desktop.sidecar.snapshots import SnapshotWriter
from reflow_desktop.sidecar.store import CellSource, SidecarStore
from reflow_desktop.sidecar.watch import FileWatcher, ReloadPlan, plan_reload
from reflow_desktop.sidecar.writer import DEFAULT_DELAY_S, SidecarWriter

if TYPE_CHECKING:
    from reflow_desktop.session.session import Session

log = logging.getLogger(__name__)

_SNAPSHOT_TRIGGERS = frozenset({"cell_status", "cell_clear", "cell_output", "cells", "kernel",
                                "ui_values"})


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class SessionSidecar:
    """Binds a Session to its ``__reflow__/`` sidecar, recovery slot and file watcher."""

    def __init__(self, session: Session, *, delay: float = DEFAULT_DELAY_S,
                 watch_interval: float = 1.0) -> None:
        self.session = session
        self.store = SidecarStore(session.path)
        self.writer = SidecarWriter(self.store, delay=delay, on_notice=self._notice)
        self.snapshots = SnapshotWriter(session, self._notice)  # [tool.reflow] snapshots
        self.watcher: FileWatcher | None = None
        self.watch_interval = watch_interval
        self.produced: dict[str, str] = {}   # cell id -> hash of the code its outputs came from
        self.ran_at: dict[str, str] = {}
        self.ui_values: dict[str, Any] = {}
        self.notices: list[tuple[str, str]] = []  # (level, text) to show once a client connects
        self.conflict: ReloadPlan | None = None
        self.recovery: RecoveryFile | None = None
        self._opening: set[str] | None = None  # restored-idle cells, until the kernel's open is done
        self.restore()
        self.offer_recovery()

    # --- open ---------------------------------------------------------------------------
    def restore(self) -> int:
        """Put stored outputs into the session's cell cache; returns how many cells got some."""
        loaded = self.store.load()
        if loaded.notice:
            self.notices.append(("warning", loaded.notice))
        if loaded.data is None:
            return 0
        self.ui_values = dict(loaded.data.ui_values)
        cells = [CellSource(c.id, c.kind, c.source) for c in self.session.notebook.cells]
        restored = self.store.restore(cells, loaded.data)
        for cid, rc in restored.items():
            st = self.session.cache.get(cid)
            st.outputs = rc.outputs
            st.status = rc.status
            self.produced[cid] = rc.code_hash
            if rc.ran_at:
                self.ran_at[cid] = rc.ran_at
        self._opening = {cid for cid, rc in restored.items() if rc.status == "idle"} or None
        return len(restored)

    def accept_kernel_event(self, event: dict[str, Any]) -> bool:
        """False for the kernel's initial ``stale`` of a cell restored as up to date.

        A fresh kernel (lazy mode) calls every cell stale because it has run none;
        the restored outputs are still right for the code, so those cells stay
        ``idle`` on screen until something actually happens to them. The kernel
        keeps its own view, so running a descendant still runs them first.
        """
        if self._opening is None:
            return True
        etype = event.get("type")
        if etype == "batch" and isinstance(event.get("events"), list):
            event["events"] = [e for e in event["events"]
                               if not isinstance(e, dict) or self.accept_kernel_event(e)]
            return True
        if etype == "done":
            self._opening = None  # the first operation answered is the open
            return True
        cid = event.get("id")
        if etype == "cell_status" and event.get("status") == "stale" and cid in self._opening:
            return False
        if etype in ("cell_status", "cell_clear", "cell_output"):
            self._opening.discard(cid)  # type: ignore[arg-type]
        return True

    def offer_recovery(self) -> None:
        """Tell the user about a recovery copy of this notebook left by a crashed window."""
        for entry in list_recoverable():
            if entry.origin == str(self.session.path):
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
                self.notices.append((
                    "warning",
                    f"Unsaved edits to {self.session.path.name} from {when} were recovered after "
                    f"Reflow closed unexpectedly; they are in {entry.path}. Open that file to "
                    "compare or copy them back."))

    def pending_notices(self) -> list[dict[str, Any]]:
        """Notices from opening (corrupt sidecar…) as protocol messages; given once."""
        out = [P.notice_msg(level, text) for level, text in self.notices]  # type: ignore[arg-type]
        self.notices.clear()
        return out

    def start(self) -> None:
        """Start watching the notebook file (needs the running event loop)."""
        if self.watcher is None:
            self.watcher = FileWatcher(self.session.path, self._on_file_change,
                                       interval=self.watch_interval)
            self.watcher.start()

    async def close(self) -> None:
        if self.watcher is not None:
            await self.watcher.stop()
        if not self.session.read_only:
            await self.writer.close()
            await self.snapshots.close()
        if self.recovery is not None and self.conflict is None and not self.session.dirty:
            self.recovery.discard()  # the file has everything: nothing to recover

    # --- outputs -------------------------------------------------------------------------
    def observe(self, msg: dict[str, Any]) -> None:
        """Called with every message the session broadcasts; never raises into the session."""
        try:
            self._observe(msg)
        except Exception:  # noqa: BLE001 - losing a sidecar write must not break a broadcast
            log.exception("sidecar: observing %s failed", msg.get("type"))

    def _observe(self, msg: dict[str, Any]) -> None:
        mtype = msg.get("type")
        if mtype == "saved":
            self._after_save()
            return
        if mtype == "batch":
            for item in msg.get("events") or []:
                if isinstance(item, dict):
                    self._observe(item)
            return
        if mtype == "ui_values" and isinstance(msg.get("values"), dict):
            self.ui_values.update(msg["values"])  # given back to the kernel on the next open
        cid = msg.get("id")
        if isinstance(cid, str) and (mtype == "cell_clear" or (mtype == "cell_status" and msg.get("status") == "running")
                                     or (mtype == "cell_output" and cid not in self.produced)):
            self._mark_ran(cid)
        if mtype in _SNAPSHOT_TRIGGERS and not self.session.read_only:
            self.writer.schedule(self.snapshot)
        if mtype == "kernel" and msg.get("state") == "idle":
            self.snapshots.kernel_idle()

    def _mark_ran(self, cell_id: str) -> None:
        for cell in self.session.notebook.cells:
            if cell.id == cell_id:
                self.produced[cell_id] = code_hash(cell.source)
                self.ran_at[cell_id] = _now()
                return

    def snapshot(self) -> SidecarData | None:
        """The sidecar content for the session's current state (called at write time).

        None (nothing written) while no cell has outputs to keep and no sidecar
        exists yet: merely opening a notebook does not create ``__reflow__/``.
        """
        records = []
        cache = self.session.cache.cells
        for cell in self.session.notebook.cells:
            h = self.produced.get(cell.id)
            st = cache.get(cell.id)
            if cell.kind != "code" or h is None or st is None:
                continue
            records.append(CellRecord(code_hash=h, status=st.status, outputs=list(st.outputs),
                                      ran_at=self.ran_at.get(cell.id)))
        if not any(r.outputs for r in records) and not self.store.path.exists():
            return None
        return SidecarData(self.session.path.name, records, dict(self.ui_values))

    def _notice(self, level: str, text: str) -> None:
        if self.session.clients:
            self.session.broadcast(P.notice_msg(level, text))  # type: ignore[arg-type]
        else:
            self.notices.append((level, text))

    # --- code autosave / conflicts --------------------------------------------------------
    def may_autosave(self) -> bool:
        """False while the file on disk and the session both changed: keep the edits aside."""
        if self.conflict is None:
            return True
        self._save_recovery("conflict")
        return False

    def save_failed(self, exc: OSError) -> None:
        """The notebook file cannot be written: keep the text in a recovery file meanwhile."""
        self._save_recovery("unsaved")

    def _save_recovery(self, reason: str) -> None:
        if self.recovery is None or self.recovery.reason != reason:
            self.recovery = RecoveryFile(origin=self.session.path, name=self.session.path.name,
                                         reason=reason)
        try:
            self.recovery.save(render_notebook(self.session.notebook))
        except (OSError, ValueError) as exc:
            log.warning("cannot write the recovery file: %s", exc)

    def _after_save(self) -> None:
        if self.watcher is not None:
            self.watcher.acknowledge()
        if self.conflict is not None:
            self.conflict = None  # an explicit save chose the session's version
            self._notice("info", f"Saved your version of {self.session.path.name}.")
        if self.recovery is not None:
            self.recovery.discard()
            self.recovery = None

    # --- external changes -------------------------------------------------------------------
    def _on_file_change(self, data: bytes | None) -> None:
        s = self.session
        if s.closed:
            return
        diverged = self.conflict is not None and self.conflict.kind == "conflict"
        plan = plan_reload(s.notebook, s.dirty or diverged, data, s.path.name)
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
        """Swap in the notebook from disk; unchanged cells keep ids, outputs and kernel state."""
        s = self.session
        assert plan.notebook is not None
        old = {c.id: c for c in s.notebook.cells}
        s.notebook = plan.notebook
        s.dirty = False
        for cid in plan.removed:
            s.cache.forget(cid)
            self.produced.pop(cid, None)
            self.ran_at.pop(cid, None)
        order = [c.id for c in s.notebook.cells]
        to_kernel = s.kernel.state != "dead" and s.kernel.kc is not None
        if to_kernel:
            for cid in plan.removed:
                if old[cid].kind == "code":
                    s.to_kernel({"type": "delete_cell", "id": cid})
            for cell in s.notebook.cells:
                if cell.id in plan.added and cell.kind == "code":
                    s.to_kernel({"type": "create_cell", "id": cell.id, "kind": cell.kind,
                                 "code": cell.source, "order": order})
                    if cell.options.get("disabled"):
                        s.to_kernel({"type": "set_options", "id": cell.id,
                                     "options": {"disabled": True}})
            for cid in plan.options_changed:
                was = bool(old[cid].options.get("disabled"))
                now = bool(s.notebook.cell(cid).options.get("disabled"))
                if was != now:
                    s.to_kernel({"type": "set_options", "id": cid, "options": {"disabled": now}})
            if order:
                s.to_kernel({"type": "move_cell", "id": order[0], "order": order})
            if s.notebook.runtime_mode != s.mode:
                s.mode = s.notebook.runtime_mode
                s.to_kernel({"type": "set_mode", "mode": s.mode})
        s.broadcast(P.cells_msg(s.cell_states()))
