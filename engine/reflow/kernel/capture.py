"""Route ``display()`` calls of a reactive run to the running cell.

Printed text needs nothing here: the runtime swaps sys.stdout/sys.stderr per
cell (``reflow.runtime.capture``) and hands the text to the sink. What only the
kernel can catch is IPython's display machinery: ``display()``,
``clear_output()`` and matplotlib's inline figures go through the display
publisher, which we hook for the duration of an operation. Displays while no
cell runs fall through to ordinary Jupyter messages.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reflow.kernel.sink import CommSink


@contextmanager
def cell_capture(sink: CommSink, shell: Any) -> Iterator[None]:
    """Hook the display publisher for one operation; flush the cell streams after it."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()  # earlier Jupyter output goes out before the operation's

    def display_hook(msg: dict[str, Any]) -> dict[str, Any] | None:
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

    # Every value formatted while a cell runs (its last expression, display(x)) passes
    # here: a figure shown this way is not shown again by matplotlib's hook (figures.py).
    formatter = getattr(shell, "display_formatter", None)
    original_format = getattr(formatter, "format", None)

    def tracking_format(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if sink.current is not None:
            sink.figures.shown(obj)
        return original_format(obj, *args, **kwargs)  # type: ignore[misc]

    if formatter is not None and original_format is not None:
        formatter.format = tracking_format
    pub = getattr(shell, "display_pub", None)
    if pub is not None and not hasattr(pub, "register_hook"):
        pub = None
    if pub is not None:
        pub.register_hook(display_hook)
    try:
        yield
    finally:
        if formatter is not None and original_format is not None:
            del formatter.format  # the instance attribute; the class's method shows through again
        if pub is not None:
            pub.unregister_hook(display_hook)
        sink.flush_streams()
