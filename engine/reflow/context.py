"""Which runtime and cell are running right now.

``reflow.ui`` elements take their id from it (``<cell id>-<counter>``, stable across
re-runs), ``reflow.state`` setters find the runtime to re-run readers with. The
runtime enters ``running(runtime, cell)`` around each cell's code; listeners (the
UI element registry) hear about the start and end of every cell run. Kept tiny and
import-free so the runtime can use it without loading ``reflow.ui``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Listener = Callable[[str, str, Any], None]  # (event "enter"|"exit", cell id, runtime)

runtime: Any = None  # the runtime of the running cell (or the last one that ran a cell)
cell: str | None = None  # the running cell, None between runs
_counters: dict[str, int] = {}  # next element number per cell (reset when the cell runs again)
_anonymous = itertools.count(1)
_listeners: list[Listener] = []
EndListener = Callable[[str, str], None]  # (event "interrupted"|"deleted", cell id)
_end_listeners: list[EndListener] = []


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def add_end_listener(listener: EndListener) -> None:
    """Hear when a cell's run was interrupted or the cell was deleted (what it started must stop)."""
    if listener not in _end_listeners:
        _end_listeners.append(listener)


def ended(event: str, cell_id: str) -> None:
    """The runtime says a cell was interrupted or deleted."""
    for listener in list(_end_listeners):
        listener(event, cell_id)


@contextmanager
def running(rt: Any, cell_id: str) -> Iterator[None]:
    """Mark ``cell_id`` of ``rt`` as running; element counters restart at 0."""
    global runtime, cell
    saved = cell
    runtime, cell = rt, cell_id
    _counters[cell_id] = 0
    for listener in list(_listeners):
        listener("enter", cell_id, rt)
    try:
        yield
    finally:
        for listener in list(_listeners):
            listener("exit", cell_id, rt)
        cell = saved


@contextmanager
def attached(cell_id: str) -> Iterator[None]:
    """Make values for ``cell_id`` after its code ran (formatting its output):
    element numbers continue where the run stopped."""
    global cell
    saved = cell
    cell = cell_id
    try:
        yield
    finally:
        cell = saved


def forget(cell_id: str) -> None:
    _counters.pop(cell_id, None)


def next_id() -> str:
    """A new element id: ``<cell>-<n>`` during a cell run, ``anon-<n>`` outside one."""
    if cell is None:
        return f"anon-{next(_anonymous)}"
    n = _counters.get(cell, 0)
    _counters[cell] = n + 1
    return f"{cell}-{n}"
