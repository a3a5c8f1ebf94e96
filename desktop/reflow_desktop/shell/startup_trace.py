"""Opt-in timeline of the app's start-up: ``REFLOW_STARTUP_TRACE=FILE`` appends one JSON line per step.

Issue 21 (launch -> notebook shown < 1 s) needs to know where the time goes in the installed app,
where no profiler is at hand: benchmarks/installed_app_launch.py sets the variable and reads the
file. Unset (always, for users), ``mark`` is one dictionary lookup. Standard library only: the
frozen app's runtime hook marks the first Python line with it.
"""

from __future__ import annotations

import json
import os
import threading
import time

ENV = "REFLOW_STARTUP_TRACE"
_lock = threading.Lock()


def mark(step: str) -> None:
    """Record that ``step`` happened now (wall clock, comparable with the launcher's)."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = json.dumps({"step": step, "t": time.time(), "thread": threading.current_thread().name}) + "\n"
    try:
        with _lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)
    except OSError:
        pass  # a trace that cannot be written must never stop the app


def read(path: str) -> list[tuple[str, float]]:
    """The steps recorded in ``path``, in order: (step, time)."""
    out: list[tuple[str, float]] = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                out.append((str(rec["step"]), float(rec["t"])))
    except (OSError, ValueError, KeyError):
        pass
    return out
