"""When a notebook's run starts and ends, from the session's ``cell_status`` messages (no Qt).

A *run* here is a spell of work as the user sees it: from the first cell that goes queued or running
until no cell is queued or running any more -- a cell and the descendants it re-runs are one run.
Its end names one cell: the first that failed, else the first that ran (the one the user started).
The kernel going away (dead, restarting) ends a run as failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reflow_desktop.session.events import unfold

BUSY = frozenset({"queued", "running"})
FAILED = frozenset({"error", "interrupted"})


@dataclass(frozen=True)
class FinishedRun:
    """A run that ended: which cell to name, whether it went well, how long it took (app's clock)."""

    cell_id: str
    ok: bool
    seconds: float
    cells: int  # how many cells finished a run in it


@dataclass
class RunSpell:
    """The cells of one notebook that are busy now, and what the current run has seen."""

    clock: Callable[[], float] = time.monotonic
    busy: set[str] = field(default_factory=set)
    started_at: float | None = None
    first: str | None = None
    failed: str | None = None
    ran: int = 0

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def feed(self, message: object) -> tuple[bool, FinishedRun | None]:
        """One message the session broadcast: (a run started, the run that ended), either may be empty."""
        started = False
        finished: FinishedRun | None = None
        for event in unfold(message):
            s, f = self._event(event)
            started = started or s
            finished = f or finished
        return started, finished

    def _event(self, event: dict[str, Any]) -> tuple[bool, FinishedRun | None]:
        kind = event.get("type")
        if kind == "kernel" and event.get("state") in ("dead", "restarting", "starting"):
            if self.failed is None and self.busy:
                self.failed = self.first or next(iter(sorted(self.busy)))
            self.busy.clear()
            return False, self._end()
        if kind != "cell_status" or not isinstance(event.get("id"), str):
            return False, None
        cell, status = event["id"], event.get("status")
        if status in BUSY:
            self.busy.add(cell)
            if self.started_at is None:
                self.started_at = self.clock()
                self.first, self.failed, self.ran = None, None, 0
                return True, None
            return False, None
        if cell not in self.busy:
            return False, None
        self.busy.discard(cell)
        if "seconds" in event:  # it ran (a cancelled or skipped cell did not)
            self.ran += 1
            self.first = self.first or cell
        if status in FAILED and self.failed is None:
            self.failed = cell
        return False, None if self.busy else self._end()

    def _end(self) -> FinishedRun | None:
        if self.started_at is None:
            return None
        seconds = self.clock() - self.started_at
        self.started_at = None
        cell = self.failed or self.first
        if cell is None:  # nothing ran (all cancelled)
            return None
        return FinishedRun(cell, self.failed is None, seconds, self.ran)


def describe_duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``1 h 2 min``: how long, the way a person says it."""
    total = round(seconds)
    if total < 60:
        return f"{max(total, 1)} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def cell_label(index: int, source: str, width: int = 60) -> str:
    """``cell 3: model.fit(x, y)``: the cell's number and its first non-empty line, shortened."""
    line = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    if len(line) > width:
        line = line[: width - 1] + "…"
    return f"cell {index + 1}: {line}" if line else f"cell {index + 1}"
