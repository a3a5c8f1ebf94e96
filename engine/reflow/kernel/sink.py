"""CommSink: the runtime's event sink, sending each event over the comm as it happens.

It also knows which cell is running, so prints, ``display()`` calls and
matplotlib figures made during a reactive run land in that cell (see capture.py).
Stream text is coalesced for a few milliseconds so a print loop does not become
thousands of messages. Events are sent in ``batch`` messages (``{"type": "batch",
"events": [...]}``): everything since the last flush, flushed when a run ends, when
the host sends anything else, or after ``BATCH_S`` -- so a 100-cell run is a few
messages, not four hundred, and a long cell still shows "running" at once.
Printed text is kept as a list of chunks and joined once per flush, so a write costs
O(1) amortised however much text the window already holds (100,000 prints are not
100,000 copies of everything printed so far).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from reflow.kernel.figures import FigureTracker
from reflow.kernel.formatting import clean, error_dict, mime_bundle

Send = Callable[[dict[str, Any]], None]

STREAM_COALESCE_S = 0.02
BATCH_S = 0.01


class CommSink:
    """Implements ``reflow.runtime.RuntimeSink`` on top of a comm ``send``."""

    def __init__(self, shell: Any, send: Send) -> None:
        self.shell = shell
        self._send = send
        self.current: str | None = None
        self.ran: list[str] = []
        self._lock = threading.RLock()
        self._pending: list[tuple[str, str, list[str]]] = []  # (cell, name, chunks joined at flush)
        self._timer: threading.Timer | None = None
        self._events: list[dict[str, Any]] = []
        self._batch_timer: threading.Timer | None = None
        self._started: dict[str, float] = {}  # cell -> perf_counter() when it started running
        self._in_run = False  # a run's first "running" went out at once (run_finished ends the run)
        # False during a widget's quick run (ui_bridge.py): its first "running" waits for the batch, and its
        # end does not flush either, so the run's events leave in one message with the answer (ui_values)
        self.eager_running = True
        self.figures = FigureTracker()  # matplotlib figures: one picture each, none from a failed cell

    # --- RuntimeSink -----------------------------------------------------------
    def status(self, cell_id: str, status: str) -> None:
        """Relay a status; the one that ends a run carries ``seconds``, the run's wall time measured here."""
        event: dict[str, Any] = {"type": "cell_status", "id": cell_id, "status": status}
        if status == "running":
            self.flush_streams()
            self.current = cell_id
            self._started[cell_id] = time.perf_counter()
            self.figures.start()
        else:
            if self.current == cell_id:
                self._cell_done(cell_id, failed=status in ("error", "interrupted"))
            started = self._started.pop(cell_id, None)
            if started is not None:
                event["seconds"] = round(time.perf_counter() - started, 4)
        self.flush_streams()
        self._emit(event)
        if status == "running" and not self._in_run and self.eager_running:
            # sent now, not batched: a cell that kills its kernel at once is still known to be the one running
            self._in_run = True
            self.flush_events()

    def clear(self, cell_id: str) -> None:
        self.flush_streams()
        self._emit({"type": "cell_clear", "id": cell_id})

    def stream(self, cell_id: str, name: str, text: str) -> None:
        if not text:
            return
        with self._lock:
            pending = self._pending
            if pending and pending[-1][0] == cell_id and pending[-1][1] == name:
                pending[-1][2].append(text)  # no copy of what the window holds already
            else:
                pending.append((cell_id, name, [text]))
            if self._timer is None:
                self._timer = threading.Timer(STREAM_COALESCE_S, self.flush_streams)
                self._timer.daemon = True
                self._timer.start()

    def output(self, cell_id: str, value: object) -> None:
        from reflow import context  # elements made while formatting (data frames) belong to the cell

        with context.attached(cell_id):
            bundle = mime_bundle(self.shell, value)
        self.display(cell_id, bundle)

    def error(self, cell_id: str, error: Any) -> None:
        self.flush_streams()
        self._emit({"type": "cell_output", "id": cell_id, "output": {"kind": "error", "error": error_dict(error)}})

    def cached(self, cell_id: str, saved_seconds: float) -> None:
        """The cell's results came from the persistent cache instead of running."""
        self._emit({"type": "cell_cached", "id": cell_id, "saved_seconds": round(saved_seconds, 3)})

    def run_finished(self, ran: list[str]) -> None:
        if self.current is not None:
            self._cell_done(self.current)
        self.flush_streams()
        self.ran.extend(ran)
        self._in_run = False
        if self.eager_running:  # else the caller flushes once its answer is queued behind these events
            self.flush_events()

    # --- batching ------------------------------------------------------------------
    def _emit(self, msg: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(msg)
            if self._batch_timer is None:
                self._batch_timer = threading.Timer(BATCH_S, self.flush_events)
                self._batch_timer.daemon = True
                self._batch_timer.start()

    def flush_events(self) -> None:
        """Send what is buffered: one event as itself, several as one ``batch``."""
        with self._lock:
            if self._batch_timer is not None:
                self._batch_timer.cancel()
                self._batch_timer = None
            events, self._events = self._events, []
            if len(events) == 1:
                self._send(events[0])
            elif events:
                self._send({"type": "batch", "events": events})

    # --- helpers -----------------------------------------------------------------
    def display(self, cell_id: str, data: dict[str, Any]) -> None:
        """Append an already-formatted MIME bundle to a cell (display(), figures)."""
        self.flush_streams()
        self._emit({"type": "cell_output", "id": cell_id, "output": {"kind": "data", "data": clean(data)}})

    def flush_streams(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            pending, self._pending = self._pending, []
            for cell_id, name, chunks in pending:
                text = chunks[0] if len(chunks) == 1 else "".join(chunks)
                self._emit(
                    {"type": "cell_output", "id": cell_id, "output": {"kind": "stream", "name": name, "text": text}}
                )

    def _cell_done(self, cell_id: str, failed: bool = False) -> None:
        """The cell stopped running: let post_execute hooks (matplotlib inline) show
        their figures while the cell is still current, then forget it. Figures the cell
        already showed, and all it opened when it failed, are closed first (figures.py)."""
        self.figures.finish(failed)
        try:
            self.shell.events.trigger("post_execute")
        except Exception:
            pass
        self.flush_streams()
        if self.current == cell_id:
            self.current = None
