"""An output stream with nothing buffered returns from flush() without the iopub round trip;
one with text flushes for real; a stream this does not know keeps its own flush."""

from __future__ import annotations

import io
import threading

from reflow.kernel.quick_flush import install


class FakeOutStream:
    """The parts of ipykernel's OutStream the quick flush reads, and a flush that counts."""

    def __init__(self) -> None:
        self._buffers = {"parent": io.StringIO()}
        self._buffer_lock = threading.RLock()
        self.echo = None
        self.real_flushes = 0

    def flush(self) -> None:
        self.real_flushes += 1
        for buffer in self._buffers.values():
            buffer.seek(0)
            buffer.truncate()


def test_an_empty_stream_skips_the_real_flush_and_a_written_one_does_not() -> None:
    stream = FakeOutStream()
    install(stream)
    stream.flush()
    assert stream.real_flushes == 0
    stream._buffers["parent"].write("text")
    stream.flush()
    assert stream.real_flushes == 1  # what was written still goes out, in order
    install(stream)  # installing twice wraps once
    stream.flush()
    assert stream.real_flushes == 1


def test_an_echoing_stream_always_flushes_for_real() -> None:
    stream = FakeOutStream()
    stream.echo = io.StringIO()
    install(stream)
    stream.flush()
    assert stream.real_flushes == 1


def test_a_stream_without_ipykernels_internals_keeps_its_flush() -> None:
    stream = FakeOutStream()
    del stream._buffer_lock
    install(stream)
    assert "flush" not in vars(stream)
    plain = io.StringIO()
    install(plain)
    assert "flush" not in vars(plain)
