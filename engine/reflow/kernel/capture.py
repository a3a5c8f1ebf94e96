"""Route a reactive run's stdout/stderr and display() calls to the running cell.

ipykernel replaces sys.stdout with a stream that publishes Jupyter ``stream``
messages; during a reactive operation we swap in writers that hand text to the
sink for the current cell, and hook the display publisher so ``display()``,
``clear_output()`` and matplotlib's inline figures become cell outputs too.
Writes while no cell runs fall through to the original streams.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reflow.kernel.sink import CommSink


class CellStream(io.TextIOBase):
    """A text stream that writes into the sink's current cell."""

    def __init__(self, sink: CommSink, name: str, fallback: Any) -> None:
        self._sink, self._name, self._fallback = sink, name, fallback

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        cell = self._sink.current
        if cell is None:
            return self._fallback.write(text) if self._fallback is not None else len(text)
        self._sink.stream(cell, self._name, text)
        return len(text)

    def flush(self) -> None:
        if self._sink.current is None and self._fallback is not None:
            self._fallback.flush()


@contextmanager
def cell_capture(sink: CommSink, shell: Any) -> Iterator[None]:
    """Install the cell writers and the display hook for the duration of an operation."""
    old_out, old_err = sys.stdout, sys.stderr
    if old_out is not None:
        old_out.flush()
    if old_err is not None:
        old_err.flush()
    sys.stdout = CellStream(sink, "stdout", old_out)  # type: ignore[assignment]
    sys.stderr = CellStream(sink, "stderr", old_err)  # type: ignore[assignment]

    def display_hook(msg: dict) -> dict | None:
        cell = sink.current
        if cell is None:
            return msg
        mtype = msg["header"]["msg_type"]
        if mtype in ("display_data", "update_display_data"):
            sink.display(cell, msg["content"].get("data", {}))
            return None
        if mtype == "clear_output":
            sink.clear(cell)
            return None
        return msg

    pub = getattr(shell, "display_pub", None)
    hooked = pub is not None and hasattr(pub, "register_hook")
    if hooked:
        pub.register_hook(display_hook)
    try:
        yield
    finally:
        if hooked:
            pub.unregister_hook(display_hook)
        sink.flush_streams()
        sys.stdout, sys.stderr = old_out, old_err
