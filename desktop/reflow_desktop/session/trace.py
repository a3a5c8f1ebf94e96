"""Round-trip tracing of ``set_ui_value`` in the app process (``REFLOW_TRACE=1``).

The kernel stamps its hops into the ``ui_values`` reply (``reflow.kernel.trace``); the
app adds when the page's message arrived on the WebSocket (``s_ws_recv``), when the
kernel's reply arrived (``s_kernel_recv``) and when it left for the page
(``s_ws_send``). ``benchmarks/slider_trace.py`` adds the page's own stamps. All are
``time.time()``: one machine, one clock. Off (the default), each hook is one bool test.
"""

from __future__ import annotations

import json
import os
import time
from typing import IO, Any

ENABLED = os.environ.get("REFLOW_TRACE") == "1"
_MAX_PENDING = 1000  # a page that never gets its answers must not grow this forever

_received: dict[str, float] = {}

# ``benchmarks/run_trace.py``: with REFLOW_TRACE_FILE set too, every message through the app
# (page in, kernel in, page out) is one JSON line there (when, which way, its type, its
# size), and a run's ``done`` brings the kernel's stamps; the page's stamps match by order.
_LOG_PATH = os.environ.get("REFLOW_TRACE_FILE") if ENABLED else None
_log: IO[str] | None = None


def _record(way: str, msg: object, **extra: Any) -> None:
    global _log
    if _LOG_PATH is None or not isinstance(msg, dict):
        return
    if _log is None:
        _log = open(_LOG_PATH, "a", encoding="utf-8")  # open for the process's life
    row = {"t": time.time(), "way": way, "type": msg.get("type"), **extra}
    _log.write(json.dumps(row, default=str) + "\n")
    if msg.get("type") in ("done", "batch"):  # a run's end, and the page's copy of it, readable at once
        _log.flush()


def page_message(data: object) -> None:
    """A page's message arrived: remember when, for a ``set_ui_value`` with a ``request_id``."""
    _record("page_in", data)
    if isinstance(data, dict) and data.get("type") == "set_ui_value" and isinstance(data.get("request_id"), str):
        if len(_received) >= _MAX_PENDING:
            _received.clear()
        _received[data["request_id"]] = time.time()


def kernel_message(msg: object) -> None:
    """A kernel message arrived: stamp a traced ``ui_values``."""
    if _LOG_PATH is not None and isinstance(msg, dict):
        events = msg.get("events") if msg.get("type") == "batch" else [msg]
        kinds = [e.get("type") for e in events or [] if isinstance(e, dict)]
        done = [e for e in events or [] if isinstance(e, dict) and e.get("type") == "done" and "trace" in e]
        _record("kernel", msg, kinds=kinds, trace=done[0]["trace"] if done else None)
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
    _record("page_out", msg)
    answer = _answer(msg)
    if answer is not None:
        stamps = answer["trace"]
        got = _received.pop(str(answer.get("request_id")), None)
        if got is not None:
            stamps["s_ws_recv"] = got
        stamps["s_ws_send"] = time.time()
