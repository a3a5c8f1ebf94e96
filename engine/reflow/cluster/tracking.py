"""Dask futures belong to the cell run that created them.

Reactive runs are superseded all the time: a cell that re-runs, is deleted or is interrupted
must not leave its old tasks computing or its old results held on the cluster. So every
``distributed.Future`` made while a cell runs (``submit``, ``map``, ``compute``, ``persist``,
``scatter``...) is recorded, weakly, under that cell, and cancelled (``Client.cancel``) when
the cell runs again, is deleted or is interrupted -- except keys that another cell's live
futures still hold (a ``pure`` task both cells asked for). A future the user already dropped
needs nothing: Dask released it with its last reference.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from reflow import context

Canceller = Callable[[Any, list[Any]], None]  # (client, futures) -> None


def _cancel(client: Any, futures: list[Any]) -> None:
    client.cancel(futures, reason="reflow: the cell that created them re-ran, was deleted or was interrupted")


class CellFutures:
    """Per cell: the futures its current run created (weak references), and their cancellation."""

    def __init__(self, cancel: Canceller = _cancel) -> None:
        self._by_cell: dict[str, list[weakref.ref[Any]]] = {}
        self._lock = threading.Lock()
        self._cancel = cancel
        self.cancelled: list[Any] = []  # keys cancelled by the last cleanup (for the UI and tests)

    def add(self, future: Any) -> None:
        """A future was created: it belongs to the running cell, if any."""
        cell = context.cell
        if cell is None:
            return
        with self._lock:
            self._by_cell.setdefault(cell, []).append(weakref.ref(future))

    def live(self, cell: str) -> list[Any]:
        """The cell's futures that still exist."""
        with self._lock:
            refs = list(self._by_cell.get(cell, ()))
        return [f for f in (r() for r in refs) if f is not None]

    def cells(self) -> list[str]:
        with self._lock:
            return list(self._by_cell)

    def release(self, cell: str) -> list[Any]:
        """Cancel what ``cell`` created (its keys no other cell holds); returns the cancelled keys."""
        with self._lock:
            refs = self._by_cell.pop(cell, [])
            others = {f.key for c, rs in self._by_cell.items() for f in (r() for r in rs) if f is not None}
        futures = [f for f in (r() for r in refs) if f is not None and f.key not in others]
        by_client: dict[int, tuple[Any, list[Any]]] = {}
        for future in futures:
            client = getattr(future, "client", None)
            if client is None or getattr(client, "status", "") in ("closed", "closing"):
                continue
            by_client.setdefault(id(client), (client, []))[1].append(future)
        keys: list[Any] = []
        for client, group in by_client.values():
            try:
                self._cancel(client, group)
            except Exception:  # a client whose scheduler went away: nothing left to cancel there
                continue
            keys.extend(f.key for f in group)
        self.cancelled = keys
        return keys

    # --- the runtime's cell lifecycle (reflow.context) -----------------------------------------
    def on_cell(self, event: str, cell: str, runtime: Any) -> None:
        """A re-run starts: the previous run's futures go (and those of cells deleted meanwhile)."""
        if event != "enter":
            return
        self.release(cell)
        graph = getattr(runtime, "graph", None)
        if graph is not None:
            for gone in [c for c in self.cells() if c not in graph]:
                self.release(gone)

    def on_end(self, event: str, cell: str) -> None:
        """The cell was interrupted or deleted."""
        if event in ("interrupted", "deleted"):
            self.release(cell)


FUTURES = CellFutures()
_installed = False


def install(future_class: Any) -> None:
    """Record every ``future_class`` made during a cell run, and listen to the cell lifecycle (once)."""
    global _installed
    if _installed:
        return
    original_init = future_class.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        FUTURES.add(self)

    future_class.__init__ = __init__
    context.add_listener(FUTURES.on_cell)
    context.add_end_listener(FUTURES.on_end)
    _installed = True
