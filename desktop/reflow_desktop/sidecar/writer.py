"""Debounced, coalescing sidecar writes that never block the event loop.

Kernel events arrive by the hundred per second during a run; writing the
sidecar on each would cost more than the run. ``schedule`` only records the
latest snapshot; one write happens ``delay`` seconds after the first unwritten
schedule (a fixed window, not a sliding one, so a cell that prints forever still
gets its outputs saved about once a second). The JSON encoding and the atomic
write run in a worker thread. ``flush`` writes whatever is pending now (close).

A failing write (read-only directory, full disk) is reported once through
``on_notice`` and never raised: editing and running go on without a sidecar.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from reflow_desktop.sidecar.format import SIDECAR_DIR, SidecarData
from reflow_desktop.sidecar.store import SidecarStore

log = logging.getLogger(__name__)

Snapshot = SidecarData | Callable[[], SidecarData | None]
NoticeCallback = Callable[[str, str], None]  # (level, text)

DEFAULT_DELAY_S = 1.0


class SidecarWriter:
    """Writes the latest scheduled snapshot at most once per ``delay``; asyncio-friendly."""

    def __init__(self, store: SidecarStore, *, delay: float = DEFAULT_DELAY_S,
                 on_notice: NoticeCallback | None = None) -> None:
        self.store = store
        self.delay = delay
        self.on_notice = on_notice
        self.writes = 0          # successful writes (tests count them)
        self.failed = False      # the last write failed (a notice was given)
        self._pending: Snapshot | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None
        self._closed = False

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def schedule(self, snapshot: Snapshot) -> None:
        """Remember ``snapshot`` (data, or a callable building it at write time) for the next write."""
        if self._closed:
            return
        self._pending = snapshot
        if self._timer is None and self._task is None:
            self._arm()

    def _arm(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # called outside the loop: stays pending for the next schedule or flush
        self._timer = loop.call_later(self.delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._task is None and self._pending is not None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            await self._write_pending()
        finally:
            self._task = None
        if self._pending is not None and self._timer is None and not self._closed:
            self._arm()  # more came in while writing: next window

    async def _write_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is None:
            return
        try:
            data = snapshot() if callable(snapshot) else snapshot
        except Exception:  # noqa: BLE001 - a broken snapshot must not kill the writer
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
        text = (f"Outputs cannot be saved in {self.store.dir.parent / SIDECAR_DIR} ({reason}). "
                "Editing and running work as usual; outputs will not be restored next time.")
        log.warning("%s", text)
        if self.on_notice is not None:
            try:
                self.on_notice("warning", text)
            except Exception:  # noqa: BLE001
                log.exception("notice callback failed")

    async def flush(self) -> None:
        """Write what is pending now and wait for any write in progress."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._task is not None:
            await asyncio.shield(self._task)
        if self._timer is not None:  # _run re-armed for data that came during the write
            self._timer.cancel()
            self._timer = None
        if self._pending is not None:
            self._task = asyncio.get_running_loop().create_task(self._write_pending())
            try:
                await asyncio.shield(self._task)
            finally:
                self._task = None

    async def close(self) -> None:
        """Flush and stop accepting snapshots."""
        await self.flush()
        self._closed = True
