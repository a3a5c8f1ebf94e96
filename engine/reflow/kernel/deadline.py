"""A re-armable one-shot timer served by one long-lived thread.

``threading.Timer`` starts a new thread for every timeout and waits until that thread
runs: on a loaded machine each start costs about a millisecond of the caller's time, and
the kernel's sink armed one for every batch of cell events (two per slider move). A
``Deadline`` keeps one daemon thread for its life; arming it costs a lock and a notify.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable


class Deadline:
    """Calls ``action`` (on its own thread) ``delay`` seconds after ``arm`` unless ``cancel`` came first.

    Arming while armed keeps the earlier deadline; ``action`` runs at most once per arming.
    """

    def __init__(self, action: Callable[[], object], name: str = "reflow-deadline") -> None:
        self._action = action
        self._name = name
        self._cond = threading.Condition(threading.Lock())
        self._due: float | None = None  # time.monotonic() when the action is due; None: not armed
        self._thread: threading.Thread | None = None

    @property
    def armed(self) -> bool:
        return self._due is not None

    def arm(self, delay: float) -> None:
        with self._cond:
            if self._due is not None:
                return
            self._due = time.monotonic() + delay
            if self._thread is None or not self._thread.is_alive():  # first use, or a forked child
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()
            else:
                self._cond.notify()

    def cancel(self) -> None:
        """Not due any more (the thread wakes at the old deadline, finds nothing due and sleeps on)."""
        with self._cond:
            self._due = None

    def _serve(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._due is None:
                        self._cond.wait()
                        continue
                    left = self._due - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                self._due = None
            try:
                self._action()
            except Exception:  # reported as threading.Timer's thread would; the deadline serves on
                traceback.print_exc()
