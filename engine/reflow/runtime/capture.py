"""Per-cell stdout/stderr: route prints to the sink, tagged with the running cell."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class CellStream(io.TextIOBase):
    """A text stream forwarding every write to ``emit`` (no buffering: live output)."""

    def __init__(self, emit: Callable[[str], None], encoding: str = "utf-8") -> None:
        super().__init__()
        self._emit = emit
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._emit(text)
        return len(text)


@contextmanager
def captured(emit: Callable[[str, str], None]) -> Iterator[None]:
    """Swap sys.stdout/sys.stderr for the duration of one cell, then restore.

    An ``emit`` with an ``open_stream(name)`` (the kernel's sink) gives the streams itself, so a
    ``print()`` costs one call into the sink instead of three (reflow.kernel.sink.SinkStream).
    """
    old_out, old_err = sys.stdout, sys.stderr
    open_stream = getattr(emit, "open_stream", None)
    if callable(open_stream):
        sys.stdout, sys.stderr = open_stream("stdout"), open_stream("stderr")
    else:
        sys.stdout = CellStream(lambda t: emit("stdout", t))
        sys.stderr = CellStream(lambda t: emit("stderr", t))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = old_out, old_err
