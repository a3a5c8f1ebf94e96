"""The kernel event pipeline: batches unfolded once, then an explicit chain of steps.

Kernel events enter the app process in ``Session._on_kernel_event``. There, and
only there, a ``batch`` is unfolded (``unfold``); each event then passes the
steps below in order, and what survives is broadcast (re-packed into one batch
when it came as one, so a page still renders a storm of events once):

1. ``with_install_hint``: a ``ModuleNotFoundError`` output gets an ``install`` hint
   (a new event; the kernel's dict is never edited in place);
2. the cell cache folds the event in (status, outputs, graph, UI values into the
   outputs that show them, variables) and says whether the page must see it:
   a fresh kernel's blanket ``stale`` for a cell whose outputs were restored from
   the sidecar is *recorded* (the cell's ``restored`` flag keeps it shown as
   up to date) instead of being swallowed;
3. the sidecar notes which code produced the outputs and schedules its write.

Steps 1 and 2's decision are pure functions here; the cache and the sidecar
keep their own state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


def unfold(msg: object) -> list[Event]:
    """The events in one kernel message (a ``batch`` holds several); non-dicts are dropped."""
    if not isinstance(msg, dict):
        return []
    if msg.get("type") == "batch":
        events = msg.get("events")
        return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []
    return [msg]


def fold(events: list[Event], batched: bool) -> Event | None:
    """What to broadcast for the surviving events: one batch if they came as one, else the event."""
    if not events:
        return None
    if batched:
        return {"type": "batch", "events": events}
    return events[0]


InstallHint = Callable[[str], tuple[str, str] | None]  # error message -> (module, package)


def with_install_hint(event: Event, hint: InstallHint | None) -> Event:
    """A copy of a ``ModuleNotFoundError`` output event with ``install: {package, module, cell}``."""
    if hint is None or event.get("type") != "cell_output":
        return event
    output = event.get("output")
    if not isinstance(output, dict) or output.get("kind") != "error":
        return event
    error = output.get("error")
    if not isinstance(error, dict) or error.get("ename") != "ModuleNotFoundError":
        return event
    found = hint(str(error.get("message") or ""))
    if found is None:
        return event
    module, package = found
    install = {"package": package, "module": module, "cell": event.get("id")}
    return {**event, "output": {**output, "error": {**error, "install": install}}}


def hides_restored_stale(event: Event, restored: bool, opening: bool) -> bool:
    """True for the opening kernel's ``stale`` of a cell shown with restored, current outputs.

    The kernel has run nothing yet, so it calls every cell stale; the restored
    outputs are still right for the code, so the page keeps showing them as up
    to date. The cache records the kernel's status all the same.
    """
    return opening and restored and event.get("type") == "cell_status" and event.get("status") == "stale"
