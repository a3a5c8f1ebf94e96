"""An ipykernel output stream with nothing written returns from ``flush()`` at once.

``OutStream.flush`` hands a flush to the iopub thread and waits until that thread has
done it, even when nothing was written. ipykernel flushes stdout and stderr after every
shell message, and the reflow comm flushes them before each operation
(``capture.cell_capture``): four round trips between the kernel's threads per slider
move, for nothing. Whatever was written still goes out before what follows it: a
stream with text buffered is flushed for real, and everything sent meets on the one
iopub thread in order. The check reads ipykernel's private ``_buffers``; a stream
without them (another ipykernel, a replaced ``sys.stdout``) keeps its own flush.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def install(*streams: Any) -> None:
    """Give each ipykernel ``OutStream`` among ``streams`` the quick empty flush (once)."""
    for stream in streams:
        if not isinstance(getattr(stream, "_buffers", None), dict) or not hasattr(stream, "_buffer_lock"):
            continue  # not the ipykernel stream this knows: its own flush stays
        if "flush" in vars(stream):
            continue
        stream.flush = _quick(stream, stream.flush)


def _quick(stream: Any, real: Callable[[], None]) -> Callable[[], None]:
    def flush() -> None:
        if getattr(stream, "echo", None) is None:
            with stream._buffer_lock:  # the current buffers: the iopub thread closes only the ones it took
                if not any(buffer.tell() for buffer in stream._buffers.values()):
                    return
        real()

    return flush
