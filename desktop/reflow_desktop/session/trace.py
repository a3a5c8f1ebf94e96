"""Round-trip tracing of ``set_ui_value`` in the app process (``REFLOW_TRACE=1``).

The kernel stamps its hops into the ``ui_values`` reply (``reflow.kernel.trace``); the
app adds when the page's message arrived on the WebSocket (``s_ws_recv``), when the
kernel's reply arrived (``s_kernel_recv``) and when it left for the page
(``s_ws_send``). ``benchmarks/slider_trace.py`` adds the page's own stamps. All are
``time.time()``: one machine, one clock. Off (the default), each hook is one bool test.
"""

from __future__ import annotations

import os
import time
from typing import Any

ENABLED = os.environ.get("REFLOW_TRACE") == "1"
_MAX_PENDING = 1000  # a page that never gets its answers must not grow this forever

_received: dict[str, float] = {}


def page_message(data: object) -> None:
    """A page's message arrived: remember when, for a ``set_ui_value`` with a ``request_id``."""
    if isinstance(data, dict) and data.get("type") == "set_ui_value" and isinstance(data.get("request_id"), str):
        if len(_received) >= _MAX_PENDING:
            _received.clear()
        _received[data["request_id"]] = time.time()


def kernel_message(msg: object) -> None:
    """A kernel message arrived: stamp a traced ``ui_values``."""
    answer = _answer(msg)
    if answer is not None:
        answer["trace"]["s_kernel_recv"] = time.time()


def _answer(msg: object) -> dict[str, Any] | None:
    """The traced ``ui_values`` in ``msg``: itself, or in its batch (it leaves with the run's events)."""
    if not isinstance(msg, dict):
        return None
    events = msg.get("events") if msg.get("type") == "batch" else [msg]
    for event in events if isinstance(events, list) else []:
        if isinstance(event, dict) and event.get("type") == "ui_values" and isinstance(event.get("trace"), dict):
            return event
    return None


def page_send(msg: dict[str, Any]) -> None:
    """A message leaves for a page: a traced ``ui_values`` gets the server's stamps."""
    answer = _answer(msg)
    if answer is not None:
        stamps = answer["trace"]
        got = _received.pop(str(answer.get("request_id")), None)
        if got is not None:
            stamps["s_ws_recv"] = got
        stamps["s_ws_send"] = time.time()
