"""CommSink's printed text: writes are amortised O(1), counted in characters copied, never timed.

A ``str`` subclass counts every character that ``+`` / ``+=`` copy while the sink gathers a
window of writes. Gathering by concatenation copies everything printed so far on every write
(quadratic: ~n²/2 lines' worth for n prints); gathering chunks and joining once copies nothing
until the flush, whose join is linear.
"""

from __future__ import annotations

from typing import Any

import pytest

from reflow.kernel import sink as sink_module
from reflow.kernel.sink import CommSink


class CountingStr(str):
    """A string that counts the characters each concatenation it takes part in produces."""

    copied = 0

    def __add__(self, other: str) -> CountingStr:
        out = CountingStr(str.__add__(self, other))
        CountingStr.copied += len(out)
        return out

    def __radd__(self, other: str) -> CountingStr:
        out = CountingStr(str.__add__(other, self))
        CountingStr.copied += len(out)
        return out


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> tuple[CommSink, list[dict[str, Any]]]:
    # one coalescing window for the whole test: the timer must not flush between writes
    monkeypatch.setattr(sink_module, "STREAM_COALESCE_S", 3600.0)
    monkeypatch.setattr(sink_module, "BATCH_S", 3600.0)
    sent: list[dict[str, Any]] = []
    CountingStr.copied = 0
    return CommSink(shell=None, send=sent.append), sent


def stream_texts(sent: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    events = [e for m in sent for e in (m["events"] if m["type"] == "batch" else [m])]
    return [(e["id"], e["output"]["name"], e["output"]["text"]) for e in events if e["type"] == "cell_output"]


def test_a_window_of_prints_copies_no_text_until_the_flush(sink: tuple[CommSink, list[dict[str, Any]]]) -> None:
    s, sent = sink
    lines = [CountingStr(f"line {i}\n") for i in range(20_000)]
    for line in lines:
        s.stream("c1", "stdout", line)
    assert CountingStr.copied == 0  # the gathering itself copied nothing (was ~n²/2 lines' worth)
    s.flush_streams()
    s.flush_events()
    assert stream_texts(sent) == [("c1", "stdout", "".join(lines))]


def test_work_grows_linearly_with_the_number_of_writes(sink: tuple[CommSink, list[dict[str, Any]]]) -> None:
    s, sent = sink
    for n in (1_000, 10_000):
        CountingStr.copied = 0
        for _ in range(n):
            s.stream("c1", "stdout", CountingStr("x" * 9 + "\n"))
        s.flush_streams()
        assert CountingStr.copied <= 10 * n  # at most one copy of the text (quadratic would be ~5 n² chars)
    s.flush_events()
    assert [len(t) for _, _, t in stream_texts(sent)] == [10_000, 100_000]


def test_streams_and_cells_keep_their_order_and_boundaries(sink: tuple[CommSink, list[dict[str, Any]]]) -> None:
    s, sent = sink
    s.stream("c1", "stdout", "a")
    s.stream("c1", "stdout", "b")
    s.stream("c1", "stderr", "E")
    s.stream("c1", "stdout", "c")
    s.stream("c2", "stdout", "d")
    s.stream("c2", "stdout", "")  # nothing written: no event
    s.flush_streams()
    s.stream("c2", "stdout", "e")  # a new window after a flush is a new output
    s.flush_streams()
    s.flush_events()
    assert stream_texts(sent) == [
        ("c1", "stdout", "ab"),
        ("c1", "stderr", "E"),
        ("c1", "stdout", "c"),
        ("c2", "stdout", "d"),
        ("c2", "stdout", "e"),
    ]


def test_a_cells_print_goes_to_the_sinks_own_stream_in_order(sink: tuple[CommSink, list[dict[str, Any]]]) -> None:
    import sys

    from reflow.kernel.sink import SinkStream
    from reflow.runtime.capture import captured

    s, sent = sink
    with captured(s.emitter("c1")):
        assert isinstance(sys.stdout, SinkStream)  # one call per write, not three (lambdas and a lock)
        print("a")
        print("b")
        print("E", file=sys.stderr)
        print("c")
        with pytest.raises(TypeError):
            sys.stdout.write(b"bytes")  # type: ignore[arg-type]
    s.flush_streams()
    s.flush_events()
    assert stream_texts(sent) == [("c1", "stdout", "a\nb\n"), ("c1", "stderr", "E\n"), ("c1", "stdout", "c\n")]


def test_writes_from_many_threads_during_flushes_are_all_sent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(sink_module, "STREAM_COALESCE_S", 0.001)  # flushes race the writers
    sent: list[dict[str, Any]] = []
    s = CommSink(shell=None, send=sent.append)
    out, err = s.open_stream("c1", "stdout"), s.open_stream("c1", "stderr")

    def write(k: int) -> None:
        for i in range(5_000):
            (err if i % 7 == 0 else out).write(f"{k}:{i}\n")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s.flush_streams()
    s.flush_events()
    texts = stream_texts(sent)
    got = sorted(line for _, _, t in texts for line in t.splitlines())
    assert got == sorted(f"{k}:{i}" for k in range(4) for i in range(5_000))  # none lost, none twice
    for _, name, t in texts:  # and each on its own stream
        assert all((int(line.split(":")[1]) % 7 == 0) == (name == "stderr") for line in t.splitlines())
    per_thread = [
        [int(x.split(":")[1]) for _, n, t in texts if n == "stdout" for x in t.splitlines() if x.startswith(f"{k}:")]
        for k in range(4)
    ]
    assert all(p == sorted(p) for p in per_thread)  # one thread's lines keep their order


class CountingStreams(dict):  # type: ignore[type-arg]
    """The sink's stream table, counting the streams a flush walks through ``values()``."""

    walked = 0

    def values(self):  # type: ignore[no-untyped-def]
        CountingStreams.walked += len(self)
        return super().values()


def test_a_flush_during_a_run_walks_only_the_streams_written_lately(
    sink: tuple[CommSink, list[dict[str, Any]]],
) -> None:
    """A 1,000-cell run flushes a few times per cell: walking every stream of every cell that ever
    printed made each flush O(cells), the run quadratic."""
    from reflow.runtime.capture import captured

    s, sent = sink
    s._streams = CountingStreams()  # type: ignore[assignment]
    cells = [f"c{i}" for i in range(1_000)]
    for cid in cells:
        s.status(cid, "running")
        with captured(s.emitter(cid)):
            print(cid)
        s.status(cid, "idle")
    assert CountingStreams.walked == 0  # was ~ cells² (three flushes a cell, each over every stream)
    s.run_finished(cells)
    assert CountingStreams.walked == 0  # nor the end of the run: a flush looks at the segments written
    assert [t for _, _, t in stream_texts(sent)] == [f"{cid}\n" for cid in cells]


def test_a_print_loop_makes_one_python_call_per_segment_not_per_print(
    sink: tuple[CommSink, list[dict[str, Any]]],
) -> None:
    """After a stream's first write, its ``write`` is the open segment's C-level ``StringIO.write``:
    10,000 prints were 20,000 Python calls into ``SinkStream.write`` (text and newline each)."""
    import sys

    from reflow.kernel.sink import SinkStream
    from reflow.runtime.capture import captured

    s, sent = sink
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is SinkStream.write.__code__:
            calls += 1

    with captured(s.emitter("c1")):
        sys.setprofile(count)
        try:
            for i in range(10_000):
                print(i)
            print("E", file=sys.stderr)
            print("after")
        finally:
            sys.setprofile(None)
    assert calls == 3  # stdout's first write, stderr's, stdout's again after it
    s.flush_streams()
    s.flush_events()
    out = "".join(f"{i}\n" for i in range(10_000))
    assert stream_texts(sent) == [("c1", "stdout", out), ("c1", "stderr", "E\n"), ("c1", "stdout", "after\n")]


def test_both_paths_count_characters_and_refuse_bytes(sink: tuple[CommSink, list[dict[str, Any]]]) -> None:
    s, sent = sink
    out = s.open_stream("c1", "stdout")
    assert out.write("héllo") == 5  # the first write: SinkStream.write
    assert out.write("wörld\n") == 6  # the segment's own write
    with pytest.raises(TypeError):
        out.write(b"bytes")  # type: ignore[arg-type]
    s.flush_streams()
    with pytest.raises(TypeError):
        out.write(b"bytes")  # type: ignore[arg-type]
    assert out.write("") == 0
    s.flush_streams()
    s.flush_events()
    assert stream_texts(sent) == [("c1", "stdout", "héllowörld\n")]


def test_a_write_kept_from_before_a_flush_is_sent_without_other_activity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Code keeping ``sys.stdout.write`` (a progress bar's writer made while a segment was open) writes
    into a segment the flush retired; no timer is armed by such a write, so the sink looks again."""
    import threading

    monkeypatch.setattr(sink_module, "STRAGGLER_POLL_MAX_S", 0.05)
    got = threading.Event()
    sent: list[dict[str, Any]] = []

    def send(msg: dict[str, Any]) -> None:
        sent.append(msg)
        if any(t.endswith("late\n") for _, _, t in stream_texts(sent)):
            got.set()

    s = CommSink(shell=None, send=send)
    out = s.open_stream("c1", "stdout")
    out.write("first\n")
    kept = out.write  # the open segment's write
    s.flush_streams()
    s.flush_events()
    assert out.write is not kept  # the stream's next write opens a new segment
    kept("late\n")  # nothing else happens in the sink from here on
    assert got.wait(30)
    assert [t for _, _, t in stream_texts(sent)] == ["first\n", "late\n"]
    del kept  # nobody holds the retired segment any more: the next look lets it go, and stops looking
    deadline = threading.Event()
    for _ in range(3000):
        if not s._stragglers and not s._window.armed:
            break
        deadline.wait(0.01)
    assert not s._stragglers and not s._window.armed
