"""The running cell's Dask task progress, reported while the cell waits on its futures.

A daemon thread looks at the running cell's futures a few times a second (their states are
plain attributes the client keeps up to date) and, when the count of finished ones changed,
sends ``{"type": "cell_progress", "id", "done", "total"}`` through the kernel host's event
batch, which is thread-safe. The main thread is busy in the cell (``gather``, ``result``,
``wait``), so nothing here may need it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from reflow import context
from reflow.cluster.tracking import FUTURES, CellFutures

INTERVAL_S = 0.2
DONE_STATES = frozenset({"finished", "error", "cancelled", "lost"})
Emit = Callable[[dict[str, Any]], None]


def count(futures: list[Any]) -> tuple[int, int]:
    """(done, total) over ``futures``."""
    done = sum(1 for f in futures if getattr(f, "status", None) in DONE_STATES)
    return done, len(futures)


def _kernel_emit() -> Emit | None:
    """The Reflow kernel host's ``emit`` (None outside the Reflow kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    host = getattr(getattr(get_ipython(), "kernel", None), "reflow_host", None)
    emit: Emit | None = getattr(host, "emit", None)
    return emit


class ProgressReporter:
    """Reports the running cell's task counts when they change."""

    def __init__(self, futures: CellFutures = FUTURES, emit: Callable[[], Emit | None] = _kernel_emit) -> None:
        self.futures = futures
        self.emit = emit
        self._last: tuple[str, int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="reflow-cluster-progress", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            try:
                self.tick()
            except Exception:  # a report is never worth a dead reporter
                pass

    def tick(self) -> None:
        cell = context.cell
        if cell is None:
            self._last = None
            return
        futures = self.futures.live(cell)
        if not futures:
            return
        done, total = count(futures)
        if self._last == (cell, done, total):
            return
        emit = self.emit()
        if emit is not None:
            emit({"type": "cell_progress", "id": cell, "done": done, "total": total})
        self._last = (cell, done, total)


REPORTER = ProgressReporter()
