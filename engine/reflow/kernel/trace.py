"""Round-trip tracing of ``set_ui_value`` (``REFLOW_TRACE=1`` in the kernel's environment).

``benchmarks/slider_trace.py`` needs to know where every millisecond of a slider move
goes. With tracing on, the kernel stamps (``time.time()``, wall clock: the app, the
kernel and the page run on one machine) when the server sent the operation (its
Jupyter header's date), when the host received it, when the run started and ended and
when the answer left, and adds them to the ``ui_values`` reply as ``trace``. With
tracing off (the default) nothing is recorded: one module-level bool is checked.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

ENABLED = os.environ.get("REFLOW_TRACE") == "1"

_current: dict[str, float] = {}


def received(msg: dict[str, Any]) -> None:
    """A comm message reached the host: stamp it and the server's send time (its header's date)."""
    _current.clear()
    _current["k_recv"] = time.time()
    date = (msg.get("header") or {}).get("date")
    if isinstance(date, datetime):
        _current["s_kernel_send"] = date.timestamp()
    elif isinstance(date, str):
        try:
            _current["s_kernel_send"] = datetime.fromisoformat(date).timestamp()
        except ValueError:
            pass


def stamp(name: str) -> None:
    """Record that the operation reached ``name`` now."""
    _current[name] = time.time()


def take() -> dict[str, float]:
    """The stamps of the operation being answered (and ``k_send``, now)."""
    stamps = dict(_current, k_send=time.time())
    _current.clear()
    return stamps
