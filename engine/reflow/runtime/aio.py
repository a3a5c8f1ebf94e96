"""Top-level ``await`` in cells: drive the cell's coroutine to its end, synchronously.

A cell compiled with ``ast.PyCF_ALLOW_TOP_LEVEL_AWAIT`` that awaits becomes a
coroutine. The runtime is synchronous (one cell after another, KeyboardInterrupt
for interrupts), so each such coroutine is run to completion before the next cell.

Why one private, persistent event loop instead of the caller's: inside the kernel
the runtime is called from a comm handler *on* ipykernel's running asyncio loop,
which cannot be re-entered (``run_until_complete`` on a running loop raises) and
cannot be waited on from its own thread without a deadlock. So the cells get their
own loop, kept for the whole process like IPython's terminal loop: tasks a cell
starts with ``asyncio.create_task`` keep running whenever a later cell awaits, and
objects bound to the loop (queues, locks) stay usable across cells. While any cell
runs (``cell_loop_current``), the kernel's loop is set aside as the thread's running
loop and the cells' loop is the current one, so ``asyncio.ensure_future`` or
``asyncio.get_event_loop()`` in a plain cell give tasks that a later cell can
await, and ``asyncio.run`` works in a cell; the kernel's loop is put back as the
running loop after (it is blocked anyway while a cell runs). The cells' loop stays
the thread's *current* loop between cells: a host that runs its own loop (the
kernel) is unaffected, since a running loop always takes precedence.

Interrupt: a KeyboardInterrupt raised while the loop waits cancels the cell's task
(its ``finally`` blocks run) and is raised again for the runtime to report.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

_loop: asyncio.AbstractEventLoop | None = None


def is_coroutine_code(code: CodeType) -> bool:
    """True for code compiled from a cell that uses top-level ``await``."""
    return bool(code.co_flags & inspect.CO_COROUTINE)


def cell_loop() -> asyncio.AbstractEventLoop:
    """The event loop cells' coroutines run on (made on first use, never closed)."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop


@contextmanager
def cell_loop_current() -> Iterator[asyncio.AbstractEventLoop]:
    """While a cell runs: no running loop (the host's is paused), the cells' loop current."""
    loop = cell_loop()
    outer = asyncio._get_running_loop()
    policy = asyncio.get_event_loop_policy()
    local = getattr(policy, "_local", None)  # where the default policy keeps it
    if local is None or getattr(local, "_loop", None) is not loop:
        policy.set_event_loop(loop)  # stays the thread's loop: the host runs its own, if any
    asyncio._set_running_loop(None)
    try:
        yield loop
    finally:
        asyncio._set_running_loop(outer)


def run_coroutine(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` on the cells' loop until it finishes; return its value or raise."""
    loop = cell_loop()
    outer = asyncio._get_running_loop()
    asyncio._set_running_loop(None)  # the kernel's loop is paused while a cell runs
    try:
        task = loop.create_task(coro, context=contextvars.copy_context())
        try:
            return loop.run_until_complete(task)
        except BaseException:
            if not task.done():  # interrupted while waiting: let the cell clean up
                task.cancel()
                try:
                    loop.run_until_complete(task)
                except BaseException:  # the first exception is the one to report
                    pass
            raise
    finally:
        asyncio._set_running_loop(outer)
