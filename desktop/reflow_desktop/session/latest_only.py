"""Completions and inspections: only a page's newest request of a kind reaches the kernel.

Typing asks for a completion on (almost) every key. The kernel's subshell answers them one at a
time, and the first one imports the completer (~0.5 s), so a burst queued there makes the newest
request -- the only one whose answer the editor still wants -- wait behind answers nobody reads.
Here each page has at most one request of a kind with the kernel and at most one waiting; a
waiting request is answered "stale" (None) at once when a newer one of the same kind comes, and
never reaches the kernel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Slot(Generic[T]):
    busy: bool = False  # a request of this key is with the kernel
    waiting: tuple[asyncio.Future[T | None], Callable[[], Awaitable[T]]] | None = None


class LatestOnly:
    """Per key (a page and a request kind): one call in flight, and only the newest waiting one runs."""

    def __init__(self) -> None:
        self._slots: dict[Hashable, _Slot[Any]] = {}

    async def run(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> T | None:
        """``call()``'s result, or None when a newer request for ``key`` came while this one waited."""
        slot: _Slot[T] = self._slots.setdefault(key, _Slot())
        if slot.waiting is not None:
            stale, slot.waiting = slot.waiting[0], None
            if not stale.done():
                stale.set_result(None)  # superseded before it was sent: answered now
        if not slot.busy:
            return await self._drive(slot, call)
        answer: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
        slot.waiting = (answer, call)
        return await answer

    async def _drive(self, slot: _Slot[T], call: Callable[[], Awaitable[T]]) -> T:
        slot.busy = True
        try:
            return await call()
        finally:
            slot.busy = False
            if slot.waiting is not None:  # the newest request that waited goes now
                answer, nxt = slot.waiting
                slot.waiting = None
                if not answer.done():  # not cancelled by its caller meanwhile
                    task = asyncio.ensure_future(self._drive(slot, nxt))
                    task.add_done_callback(lambda t: _settle(answer, t))

    def forget(self, owner: object) -> None:
        """A page went away: drop its keys, ``(owner, kind)`` tuples (a bound method is equal, not identical)."""
        for key in [k for k in self._slots if isinstance(k, tuple) and k and k[0] == owner]:
            slot = self._slots.pop(key)
            if slot.waiting is not None and not slot.waiting[0].done():
                slot.waiting[0].set_result(None)


def _settle(answer: asyncio.Future[T | None], task: asyncio.Future[T]) -> None:
    """Hand a request's outcome (its result, or its error) to the caller that waits for it."""
    if answer.done():
        return
    if task.cancelled():
        answer.cancel()
    elif (exc := task.exception()) is not None:
        answer.set_exception(exc)
    else:
        answer.set_result(task.result())
