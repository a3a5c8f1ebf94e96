"""CommSink: the runtime's event sink, sending each event over the comm as it happens.

It also knows which cell is running, so prints, ``display()`` calls and
matplotlib figures made during a reactive run land in that cell (see capture.py).
Stream text is coalesced for a few milliseconds so a print loop does not become
thousands of messages. Events are sent in ``batch`` messages (``{"type": "batch",
"events": [...]}``): everything since the last flush, flushed when a run ends, when
the host sends anything else, or after ``BATCH_S`` -- so a 100-cell run is a few
messages, not four hundred, and a long cell still shows "running" at once.
Printed text goes into segments: a segment is one run of writes to one stream between
switches (stdout, stderr) and flushes, a ``StringIO`` whose C-level ``write`` becomes the
stream's own ``write`` while the run lasts. A ``print()`` thus costs no Python call and no lock,
and a write is O(1) amortised however much the window already holds; the lock is taken when a
segment opens (keeping stdout and stderr in order) and by the flush, which sends each segment
once. A segment whose ``write`` someone still holds after the flush is looked at again until
nobody does (``Segment.held_elsewhere``): a racing write is late, never lost.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from reflow.kernel.deadline import Deadline
from reflow.kernel.figures import FigureTracker
from reflow.kernel.formatting import clean, error_dict, mime_bundle

Send = Callable[[dict[str, Any]], None]

STREAM_COALESCE_S = 0.02
STRAGGLER_POLL_MAX_S = 1.0  # a write kept from before a flush shows within this, however long it waited
BATCH_S = float(os.environ.get("REFLOW_BATCH_S") or 0.01)  # tests set a window no machine load can split


class Segment:
    """One run of writes to one stream between switches and flushes: a ``StringIO`` whose bound ``write``
    is the stream's ``write`` while the run lasts (C-level, so a ``print()`` costs no Python call).

    ``taken`` is how much of it was sent. A segment the flush retired may still be written to by a
    caller that looked ``write`` up before (a ``print()`` under way in another thread, or code keeping
    ``sys.stdout.write``): the sink keeps it while anyone else holds that bound method.
    """

    __slots__ = ("buf", "stream", "taken", "write")

    def __init__(self, stream: SinkStream) -> None:
        self.stream = stream
        self.buf = io.StringIO(newline="")  # no newline translation: the text as written
        self.write = self.buf.write
        self.taken = 0

    def held_elsewhere(self) -> bool:
        """Whether anyone but this segment holds its ``write``: the stream's own attribute, a caller's
        local, a ``print()`` under way (each one more reference than an unheld segment's, measured once)."""
        return sys.getrefcount(self.write) > _UNHELD_REFS

    def take(self) -> str:
        """What was written since the last take."""
        if self.buf.tell() <= self.taken:
            return ""
        text = self.buf.getvalue()[self.taken :]
        self.taken += len(text)
        return text


def _unheld_refs() -> int:
    """What ``held_elsewhere`` counts for a segment nobody else holds (the interpreter's own accounting)."""
    probe = Segment.__new__(Segment)  # no stream needed: only its ``write`` slot is counted
    probe.write = io.StringIO().write
    return sys.getrefcount(probe.write)


_UNHELD_REFS = _unheld_refs()


class SinkStream(io.TextIOBase):
    """One cell's stdout or stderr. Its first write after a switch or a flush opens a ``Segment`` (under the
    sink's lock, keeping stdout and stderr in order); every further write until then goes straight to that
    segment's ``StringIO.write``, set on the instance (which shadows this method), with no lock: 100,000
    prints cost the print loop ~20 ms less than one Python call each."""

    def __init__(self, sink: CommSink, cell_id: str, name: str) -> None:
        super().__init__()
        self._sink = sink
        self.cell_id = cell_id
        self.name = name

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
        if not text:
            return 0
        return self._sink._open_segment(self)(text)


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
        # A flush looks at the segments opened since the last flush and at the retired ones still held by
        # a writer, not at every stream of every cell that ever ran (that made a 100-cell run quadratic).
        self._segments: list[Segment] = []  # in the order they were opened: stdout and stderr interleaved
        self._stragglers: list[Segment] = []
        self._last: SinkStream | None = None  # the stream whose segment is open (None: none since the flush)
        self._poll_s = STREAM_COALESCE_S  # while stragglers are held: their writes arm no timer, so look again
        self._window = Deadline(self._window_over, "reflow-streams")  # the coalescing window, and the look again
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

    def _open_segment(self, stream: SinkStream) -> Callable[[str], int]:
        """``stream`` writes next: a new segment after what the others wrote, its ``write`` the stream's."""
        with self._lock:
            last = self._last
            if last is not None and last is not stream:
                last.__dict__.pop("write", None)  # its next write opens a segment after this one
            segment = Segment(stream)
            self._segments.append(segment)
            self._last = stream
            stream.__dict__["write"] = segment.write
            self._window.arm(STREAM_COALESCE_S)  # (armed already: the earlier deadline stays)
            return segment.write

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

    def _window_over(self) -> None:
        """The coalescing window closed: its text leaves now, not after another batch window (the window
        was the wait; a print loop holding the GIL delays each thread handoff, and each costs one more)."""
        self.flush_streams()
        with self._lock:
            if any(e.get("type") == "cell_output" for e in self._events):
                self.flush_events()

    def flush_streams(self) -> None:
        """Send what was printed since the last flush: one output per run of writes to one stream.

        Each open segment is closed (its stream's next write opens another) and its text sent. A segment
        someone still holds the ``write`` of stays a straggler, looked at by every flush until nobody
        does: a racing write is late, never lost."""
        if not (self._segments or self._stragglers):
            return
        with self._lock:
            self._window.cancel()
            segments, self._segments, self._last = self._segments, [], None
            for segment in segments:
                segment.stream.__dict__.pop("write", None)
            pending, self._stragglers = [*self._stragglers, *segments], []
            runs: list[tuple[SinkStream, list[str]]] = []
            late = False
            for segment in pending:
                held = segment.held_elsewhere()  # first: once nobody holds it, nothing more can arrive
                text = segment.take()
                if held:
                    self._stragglers.append(segment)
                    late = late or bool(text)
                if not text:
                    continue
                if runs and runs[-1][0] is segment.stream:
                    runs[-1][1].append(text)
                else:
                    runs.append((segment.stream, [text]))
            for stream, texts in runs:
                self._emit(
                    {
                        "type": "cell_output",
                        "id": stream.cell_id,
                        "output": {"kind": "stream", "name": stream.name, "text": "".join(texts)},
                    }
                )
            if self._stragglers:  # a held write arms nothing: look again, less often while it stays quiet
                self._poll_s = STREAM_COALESCE_S if late else min(2 * self._poll_s, STRAGGLER_POLL_MAX_S)
                self._window.arm(self._poll_s)
            else:
                self._poll_s = STREAM_COALESCE_S

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
