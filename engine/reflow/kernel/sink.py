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
100,000 copies of everything printed so far). A running cell's ``sys.stdout`` is a
``SinkStream`` (``open_stream``): a ``print()`` costs one Python call that appends to the
stream's own list, without a lock; the lock is taken only when another stream wrote in
between (to keep stdout/stderr in order) and by the flush.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from reflow.kernel.deadline import Deadline
from reflow.kernel.figures import FigureTracker
from reflow.kernel.formatting import clean, error_dict, mime_bundle

Send = Callable[[dict[str, Any]], None]

STREAM_COALESCE_S = 0.02
BATCH_S = float(os.environ.get("REFLOW_BATCH_S") or 0.01)  # tests set a window no machine load can split


class SinkStream(io.TextIOBase):
    """One cell's stdout or stderr: ``write`` appends to ``chunks`` (list appends are atomic), the flush
    joins and deletes the first chunks it saw -- so writes from any thread need no lock and none is lost."""

    def __init__(self, sink: CommSink, cell_id: str, name: str) -> None:
        super().__init__()
        self._sink = sink
        self.cell_id = cell_id
        self.name = name
        self.chunks: list[str] = []
        self.base = 0  # chunks joined and deleted so far: a chunk's position is base + its index
        self._append = self.chunks.append

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if text.__class__ is not str and not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            if self._sink._last is not self:
                self._sink._switch(self)  # another stream (or none since the flush) wrote last
            self._append(text)
        return len(text)


class CellEmitter:
    """The runtime's ``emit(name, text)`` for one cell, which also opens the cell's fast streams."""

    def __init__(self, sink: CommSink, cell_id: str) -> None:
        self._sink = sink
        self._cell_id = cell_id

    def __call__(self, name: str, text: str) -> None:
        self._sink.stream(self._cell_id, name, text)

    def open_stream(self, name: str) -> SinkStream:
        return self._sink.open_stream(self._cell_id, name)


def without_superseded_queued(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events less each ``queued`` status that a later status of the same cell in them supersedes.

    A run announces every cell it will run as queued; a batch that also holds those cells' runs would
    carry a status nobody sees (the app and the page apply a batch at once): a 100-cell chain moved by
    a slider sent 101 of its 404 events for nothing, through the kernel, the app and the page.
    """
    later: set[object] = set()
    kept: list[dict[str, Any]] = []
    for event in reversed(events):
        if event.get("type") == "cell_status":
            cid = event.get("id")
            if event.get("status") == "queued" and cid in later:
                continue
            later.add(cid)
        kept.append(event)
    kept.reverse()
    return kept


class CommSink:
    """Implements ``reflow.runtime.RuntimeSink`` on top of a comm ``send``."""

    def __init__(self, shell: Any, send: Send) -> None:
        self.shell = shell
        self._send = send
        self.current: str | None = None
        self.ran: list[str] = []
        self._lock = threading.RLock()
        self._streams: dict[tuple[str, str], SinkStream] = {}
        # A flush looks at the streams switched in since the last flush and at those of the window before (a
        # writer may append after its switch, once that flush has looked), not at every stream of every cell
        # that ever ran: that made a 100-cell run's flushes quadratic. The end of a run looks at all of them.
        self._dirty: dict[SinkStream, None] = {}  # ordered sets
        self._recent: dict[SinkStream, None] = {}
        self._order: list[tuple[SinkStream, int]] = []  # (stream, position of its first chunk after a switch)
        self._last: SinkStream | None = None  # the stream that wrote last since the flush (None: none yet)
        self._timer: threading.Timer | None = None
        self._events: list[dict[str, Any]] = []
        self._batch_timer = Deadline(self.flush_events, "reflow-batch")  # one thread, not one per batch
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
        if text:
            self.open_stream(cell_id, name).write(text)

    def emitter(self, cell_id: str) -> CellEmitter:
        """The runtime's ``emit`` for ``cell_id`` (reflow.runtime.capture uses its ``open_stream``)."""
        return CellEmitter(self, cell_id)

    def open_stream(self, cell_id: str, name: str) -> SinkStream:
        """The cell's stream ``name`` (one per cell and name, kept: a thread may still hold it)."""
        stream = self._streams.get((cell_id, name))
        if stream is None:
            with self._lock:
                stream = self._streams.setdefault((cell_id, name), SinkStream(self, cell_id, name))
        return stream

    def _switch(self, stream: SinkStream) -> None:
        """``stream`` writes next: its chunks from here on follow what the others wrote before."""
        with self._lock:
            self._order.append((stream, stream.base + len(stream.chunks)))
            self._last = stream
            self._dirty[stream] = None
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
        self.flush_streams(every_stream=True)  # once a run: whatever a racing write left behind goes too
        self.ran.extend(ran)
        self._in_run = False
        if self.eager_running:  # else the caller flushes once its answer is queued behind these events
            self.flush_events()

    # --- batching ------------------------------------------------------------------
    def _emit(self, msg: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(msg)
            if not self._batch_timer.armed:
                self._batch_timer.arm(BATCH_S)

    def flush_events(self, last: dict[str, Any] | None = None) -> None:
        """Send what is buffered, then ``last``: one event as itself, several as one ``batch``."""
        with self._lock:
            self._batch_timer.cancel()
            events, self._events = self._events, []
            if last is not None:
                events.append(last)
            if len(events) == 1:
                self._send(events[0])
            elif events:
                self._send({"type": "batch", "events": without_superseded_queued(events)})

    # --- helpers -----------------------------------------------------------------
    def display(self, cell_id: str, data: dict[str, Any]) -> None:
        """Append an already-formatted MIME bundle to a cell (display(), figures)."""
        self.flush_streams()
        self._emit({"type": "cell_output", "id": cell_id, "output": {"kind": "data", "data": clean(data)}})

    def flush_streams(self, *, every_stream: bool = False) -> None:
        """Send what was printed since the last flush: one output per run of writes to one stream."""
        if not (every_stream or self._dirty or self._recent):
            return  # nothing written since the last two flushes (a write registers in _dirty before it counts)
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            order, self._order, self._last = self._order, [], None
            candidates = self._streams.values() if every_stream else {**self._recent, **self._dirty}
            ends = {s: s.base + len(s.chunks) for s in candidates if s.chunks}
            self._recent, self._dirty = self._dirty, {}
            if not ends:
                return
            # a stream's run of writes ends where its next switch starts; its first run starts at what
            # was not sent yet, its last at everything written so far (a racing write is late, never lost)
            runs: list[tuple[SinkStream, int]] = []  # (stream, end position of the run)
            last_run: dict[SinkStream, int] = {}
            for stream, start in order:
                if stream not in ends:
                    continue
                if stream in last_run:
                    i = last_run[stream]
                    runs[i] = (stream, min(start, ends[stream]))
                last_run[stream] = len(runs)
                runs.append((stream, ends[stream]))
            runs.extend((stream, end) for stream, end in ends.items() if stream not in last_run)
            sent = {stream: stream.base for stream in ends}
            for stream, end in runs:
                start, sent[stream] = sent[stream], max(sent[stream], end)
                if end > start:
                    lo, hi = start - stream.base, end - stream.base
                    text = stream.chunks[lo] if hi - lo == 1 else "".join(stream.chunks[lo:hi])
                    self._emit(
                        {
                            "type": "cell_output",
                            "id": stream.cell_id,
                            "output": {"kind": "stream", "name": stream.name, "text": text},
                        }
                    )
            for stream, end in ends.items():
                del stream.chunks[: end - stream.base]  # one call: a concurrent append lands after it
                stream.base = end
            self._dirty.update((s, None) for s in ends if s.chunks)  # appended during this flush: sent next time

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
