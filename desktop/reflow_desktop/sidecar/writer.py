"""Coalescing sidecar writes that never block the event loop; *when* is the save manager's call.

Kernel events arrive by the hundred per second during a run; writing the
sidecar on each would cost more than the run. ``schedule`` only records the
latest snapshot and tells the session's ``SaveManager`` the sidecar changed;
its policy for the sidecar is a fixed window (``Policy(delay, ceiling=delay)``):
one write ``delay`` seconds after the first unwritten schedule, so a cell that
prints forever still gets its outputs saved about once a second. The JSON
encoding and the atomic write run in a worker thread. ``flush`` writes whatever
is pending now (close).

A failing write (read-only directory, full disk) is reported once through
``on_notice`` and never raised: editing and running go on without a sidecar.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from reflow_desktop.session.saves import Policy, SaveManager
from reflow_desktop.sidecar.format import SIDECAR_DIR, SidecarData
from reflow_desktop.sidecar.store import SidecarStore

log = logging.getLogger(__name__)

Snapshot = SidecarData | Callable[[], SidecarData | None]
NoticeCallback = Callable[[str, str], None]  # (level, text)

DEFAULT_DELAY_S = 1.0
SAVEABLE = "sidecar"


class SidecarWriter:
    """Writes the latest scheduled snapshot at most once per ``delay``; asyncio-friendly."""

    def __init__(
        self,
        store: SidecarStore,
        *,
        delay: float = DEFAULT_DELAY_S,
        on_notice: NoticeCallback | None = None,
        saves: SaveManager | None = None,
    ) -> None:
        self.store = store
        self.on_notice = on_notice
        self.writes = 0  # successful writes (tests count them)
        self.failed = False  # the last write failed (a notice was given)
        self._pending: Snapshot | None = None
        self._closed = False
        self._saves = saves if saves is not None else SaveManager()
        self._saves.register(SAVEABLE, self._write_pending, Policy(delay, ceiling=delay))

    @property
    def delay(self) -> float:
        return self._saves.entry(SAVEABLE).policy.delay or DEFAULT_DELAY_S

    @delay.setter
    def delay(self, value: float) -> None:
        self._saves.set_policy(SAVEABLE, Policy(value, ceiling=value))

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def schedule(self, snapshot: Snapshot) -> None:
        """Remember ``snapshot`` (data, or a callable building it at write time) for the next write."""
        if self._closed:
            return
        self._pending = snapshot
        self._saves.changed(SAVEABLE)

    async def _write_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is None:
            return
        try:
            data = snapshot() if callable(snapshot) else snapshot
        except Exception:  # a broken snapshot must not kill the writer
            log.exception("building the sidecar snapshot failed")
            return
        if data is None:
            return
        try:
            await asyncio.to_thread(self.store.save, data)
        except (OSError, ValueError, TypeError) as exc:
            self._report(exc)
            return
        self.writes += 1
        if self.failed:
            self.failed = False

    def _report(self, exc: Exception) -> None:
        if self.failed:
            return  # once per failure streak, not once a second
        self.failed = True
        reason = getattr(exc, "strerror", None) or str(exc)
        text = (
            f"Outputs cannot be saved in {self.store.dir.parent / SIDECAR_DIR} ({reason}). "
            "Editing and running work as usual; outputs will not be restored next time."
        )
        log.warning("%s", text)
        if self.on_notice is not None:
            try:
                self.on_notice("warning", text)
            except Exception:
                log.exception("notice callback failed")

    async def flush(self) -> None:
        """Write what is pending now and wait for any write in progress."""
        await self._saves.save(SAVEABLE)

    async def close(self) -> None:
        """Flush and stop accepting snapshots."""
        await self.flush()
        self._closed = True
