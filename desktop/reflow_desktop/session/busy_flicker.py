"""Kernel busy/idle flips shorter than a glance are not news for the pages.

Every operation makes the kernel report ``busy`` then ``idle``; a slider move that runs in a
few milliseconds made the app send both to every page, and each page render both, on the
round trip's critical path. ``BusyFlicker`` sits between the kernel process and the session:
``busy`` is passed on only once it has lasted ``SHOWN_AFTER_S`` (an Interrupt button that
lights up for 3 ms helps nobody); an ``idle`` ending a busy spell the pages never saw is
dropped with it. Every other state passes at once, cancelling a held ``busy``.

A page that connects asks for the kernel's state in its ``session`` message: it gets the state the
pages were shown (``shown``), not the kernel's own. A page told ``busy`` while that busy was held back
never got the ``idle`` that ended it (dropped, as the pages "never saw" the busy): it showed Busy
until the next long run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

SHOWN_AFTER_S = 0.1

StateCallback = Callable[[str, str | None], None]


class _Handle(Protocol):
    def cancel(self) -> None: ...


Later = Callable[[float, Callable[[], None]], _Handle]


def _call_later(delay: float, f: Callable[[], None]) -> _Handle:
    return asyncio.get_running_loop().call_later(delay, f)


class BusyFlicker:
    """A kernel-state callback that holds ``busy`` back for ``SHOWN_AFTER_S``."""

    def __init__(self, forward: StateCallback, later: Later = _call_later) -> None:
        self.forward = forward
        self.later = later
        self._held: _Handle | None = None
        self._shown_busy = False

    def __call__(self, state: str, message: str | None) -> None:
        if state == "busy" and message is None:
            if self._held is None and not self._shown_busy:
                try:
                    self._held = self.later(SHOWN_AFTER_S, self._show_busy)
                except RuntimeError:  # no running loop: nothing to hold it with
                    self._show_busy()
            return
        if self._held is not None:
            self._held.cancel()
            self._held = None
            if state == "idle" and message is None:
                return  # the pages never saw this busy spell
        self._shown_busy = False
        self.forward(state, message)

    def shown(self, state: str) -> str:
        """What the pages were told for the kernel's own ``state``: a busy spell still held back is idle."""
        return "idle" if state == "busy" and not self._shown_busy else state

    def _show_busy(self) -> None:
        self._held = None
        self._shown_busy = True
        self.forward("busy", None)
