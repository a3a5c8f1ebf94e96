"""Values the runtime hands to its sink: statuses and cell errors.

Kept apart from the Runtime so sinks (the kernel, tests, ``reflow script``) can
import them without pulling in execution machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

CellStatus = Literal[
    "idle",
    "queued",
    "running",
    "stale",
    "error",
    "ancestor-error",
    "interrupted",
    "disabled",
    "cancelled",
]

ErrorKind = Literal[
    "exception",
    "syntax",
    "multiple-definition",
    "undefined-above",
    "cycle",
    "ancestor-error",
    "interrupted",
    "star-import",
]


@dataclass(frozen=True)
class CellError:
    """Why a cell has no fresh result, shaped for the UI's error box."""

    kind: ErrorKind
    message: str  # one line, for humans
    traceback: str | None = None  # limited to notebook frames, cell line numbers
    ename: str | None = None  # exception class name
    cells: tuple[str, ...] = ()  # related cells: other definers, cycle, failed ancestor


class RuntimeSink(Protocol):
    """Where a run's events go; the kernel plugs IPython's formatter in here."""

    def status(self, cell_id: str, status: CellStatus) -> None: ...

    def clear(self, cell_id: str) -> None: ...

    def stream(self, cell_id: str, name: Literal["stdout", "stderr"], text: str) -> None: ...

    def output(self, cell_id: str, value: object) -> None: ...

    def error(self, cell_id: str, error: CellError) -> None: ...

    def run_finished(self, ran: list[str]) -> None: ...
