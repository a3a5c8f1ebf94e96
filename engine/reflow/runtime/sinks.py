"""Simple sinks: CollectingSink for tests, PrintSink for headless ``reflow script``."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from .naming import CellNumbers
from .types import CellError, CellStatus


@dataclass
class CollectingSink:
    """Records every event, plus per-cell views that tests can assert on."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    statuses: dict[str, list[CellStatus]] = field(default_factory=dict)
    outputs: dict[str, object] = field(default_factory=dict)
    streams: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, CellError] = field(default_factory=dict)
    runs: list[list[str]] = field(default_factory=list)
    restored: dict[str, float] = field(default_factory=dict)  # cell -> seconds saved by its last cache restore

    def status(self, cell_id: str, status: CellStatus) -> None:
        self.events.append(("status", cell_id, status))
        self.statuses.setdefault(cell_id, []).append(status)

    def clear(self, cell_id: str) -> None:
        self.events.append(("clear", cell_id))
        self.outputs.pop(cell_id, None)
        self.streams.pop(cell_id, None)
        self.errors.pop(cell_id, None)
        self.restored.pop(cell_id, None)

    def stream(self, cell_id: str, name: str, text: str) -> None:
        self.events.append(("stream", cell_id, name, text))
        per_cell = self.streams.setdefault(cell_id, {})
        per_cell[name] = per_cell.get(name, "") + text

    def output(self, cell_id: str, value: object) -> None:
        self.events.append(("output", cell_id, value))
        self.outputs[cell_id] = value

    def error(self, cell_id: str, error: CellError) -> None:
        self.events.append(("error", cell_id, error))
        self.errors[cell_id] = error

    def cached(self, cell_id: str, saved_seconds: float) -> None:
        self.events.append(("cached", cell_id, saved_seconds))
        self.restored[cell_id] = saved_seconds

    def run_finished(self, ran: list[str]) -> None:
        self.events.append(("run_finished", list(ran)))
        self.runs.append(list(ran))

    # ----- helpers for tests -------------------------------------------
    def last_status(self, cell_id: str) -> CellStatus | None:
        seq = self.statuses.get(cell_id)
        return seq[-1] if seq else None

    def stdout(self, cell_id: str) -> str:
        return self.streams.get(cell_id, {}).get("stdout", "")

    def reset(self) -> None:
        """Forget events (not the per-cell current views)."""
        self.events.clear()
        self.statuses.clear()
        self.runs.clear()


class PrintSink:
    """Writes a run to terminal streams as a script would: prints, reprs, tracebacks."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, show_outputs: bool = True) -> None:
        self._out = out
        self._err = err
        self._show_outputs = show_outputs
        self._numbers: CellNumbers | None = None

    def bind_cell_numbers(self, numbers: CellNumbers) -> None:
        """The runtime's cell numbering, so messages say "cell 3" rather than an id."""
        self._numbers = numbers

    @property
    def out(self) -> TextIO:
        return self._out or sys.__stdout__ or sys.stdout  # __stdout__ is None under pythonw

    @property
    def err(self) -> TextIO:
        return self._err or sys.__stderr__ or sys.stderr

    def status(self, cell_id: str, status: CellStatus) -> None:
        pass

    def clear(self, cell_id: str) -> None:
        pass

    def stream(self, cell_id: str, name: str, text: str) -> None:
        target = self.err if name == "stderr" else self.out
        target.write(text)
        target.flush()

    def output(self, cell_id: str, value: object) -> None:
        if self._show_outputs:
            try:
                text = repr(value)
            except Exception as exc:  # a broken __repr__ must not stop the script
                text = f"<repr failed: {type(exc).__name__}: {exc}>"
            self.out.write(text + "\n")

    def error(self, cell_id: str, error: CellError) -> None:
        if error.traceback and error.kind == "exception":
            self.err.write(error.traceback)
        else:
            where = self._numbers.cell(cell_id) if self._numbers is not None else "cell"
            self.err.write(f"[{where}] {error.message}\n")
        self.err.flush()

    def run_finished(self, ran: list[str]) -> None:
        self.out.flush()
