"""A periodic check on the running event loop: the file watchers' one background task.

The notebook file's watcher and the data files' watcher both poll (no thread, no platform
watcher quirks on network drives). ``Poller`` owns that task: it calls ``tick`` every
``interval`` seconds, logs a failing tick instead of dying (a watcher must outlive one bad
poll and never take the session down), and ``stop`` cancels it and waits until it is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Tick = Callable[[], "Awaitable[object] | object"]


class Poller:
    """Calls ``tick`` (plain or async) every ``interval`` seconds between ``start`` and ``stop``."""

    def __init__(self, tick: Tick, interval: float, *, name: str) -> None:
        self.tick = tick
        self.interval = interval
        self.name = name
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        """Start the task on the running loop (a second start is a no-op)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        """Cancel the task and wait for it, so nothing polls after this returns."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                result = self.tick()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("%s failed", self.name)
