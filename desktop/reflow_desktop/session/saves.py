"""One owner of saves: every saveable registers its dirty flag and policy here.

Modelled on qutebrowser's ``misc/savemanager.py``: the notebook file, the
sidecar outputs, the export snapshots and the recovery copy each register a
``save`` function and a ``Policy``; they only say *that* something changed
(``changed``); this module alone decides *when* it is written:

- ``Policy(delay)``: a sliding debounce, written ``delay`` s after the last change
  (the notebook's autosave, the snapshots after runs);
- ``Policy(delay, ceiling)``: … but never later than ``ceiling`` s after the first
  unsaved change (the sidecar: a cell printing forever still gets saved ~1/s; the
  notebook's autosave, ``autosave_policy``: continuous typing is saved ~1/s too);
- ``Policy(None)``: written only when asked (``save``) — the recovery copy, and
  the notebook when autosave is off (then close does not write it either).

A save function may be sync or async and may return ``False`` ("could not save
now"; the entry stays dirty and waits for the next change). Changes made while
a save runs get their own later save. ``pause`` holds one entry's timer (uv is
editing the file) without touching its policy. ``flush_all`` (close) saves every
dirty entry that saves by itself, in registration order.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

SaveResult = bool | None
SaveFunction = Callable[[], SaveResult | Awaitable[SaveResult]]


@dataclass
class Policy:
    """When a dirty entry is written: ``delay`` s after the last change, at most ``ceiling`` s after the first."""

    delay: float | None
    ceiling: float | None = None


AUTOSAVE_CEILING_S = 1.0  # continuous typing is saved at least this often (a kill loses at most ~1 s)


def autosave_policy(delay: float | None, ceiling: float = AUTOSAVE_CEILING_S) -> Policy:
    """The notebook's autosave: ``delay`` s after the last edit, never later than ``ceiling`` s after the first.

    A plain sliding debounce never saves while edits keep coming less than ``delay`` apart;
    a delay longer than the ceiling (a user setting) is the ceiling itself. None: no autosave.
    """
    if delay is None:
        return Policy(None)
    return Policy(delay, ceiling=max(delay, ceiling))


@dataclass
class Saveable:
    name: str
    save: SaveFunction
    policy: Policy
    dirty: bool = False
    saves: int = 0  # completed saves (tests count them, never time them)
    paused: int = 0
    first_change: float | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class SaveManager:
    """Decides when each registered saveable is written (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[str, Saveable] = {}
        self.closed = False

    # --- registration / state ------------------------------------------------------------
    def register(self, name: str, save: SaveFunction, policy: Policy) -> Saveable:
        if name in self._entries:
            raise ValueError(f"saveable {name!r} is already registered")
        entry = self._entries[name] = Saveable(name, save, policy)
        return entry

    def entry(self, name: str) -> Saveable:
        return self._entries[name]

    def is_dirty(self, name: str) -> bool:
        return self._entries[name].dirty

    def set_policy(self, name: str, policy: Policy) -> None:
        """A new policy (a settings change); a pending timer is re-armed under it."""
        entry = self._entries[name]
        entry.policy = policy
        if entry.timer is not None:
            entry.timer.cancel()
            entry.timer = None
            self._arm(entry)

    # --- changes -------------------------------------------------------------------------
    def changed(self, name: str) -> None:
        """Something of ``name`` is unsaved now; arm its timer by its policy."""
        entry = self._entries[name]
        if self.closed:
            return
        policy = entry.policy
        if (
            entry.dirty
            and entry.timer is not None
            and policy.ceiling is not None
            and policy.delay is not None
            and policy.ceiling <= policy.delay
        ):
            return  # a fixed window is already open (the hot path: kernel events by the hundred)
        loop = _running_loop()
        now = loop.time() if loop is not None else None
        if not entry.dirty or entry.first_change is None:
            entry.first_change = now
        entry.dirty = True
        self._arm(entry, restart=True)

    def mark_saved(self, name: str) -> None:
        """The owner wrote it itself (an explicit save): nothing is pending any more."""
        entry = self._entries[name]
        entry.dirty = False
        entry.first_change = None
        if entry.timer is not None:
            entry.timer.cancel()
            entry.timer = None

    def forget_changes(self, name: str) -> None:
        """Whatever was unsaved is moot (the file on disk was taken instead)."""
        self.mark_saved(name)

    @contextlib.contextmanager
    def pause(self, name: str) -> Iterator[None]:
        """No timed save of ``name`` while inside; a dirty entry is re-armed on the way out."""
        entry = self._entries[name]
        entry.paused += 1
        if entry.timer is not None:
            entry.timer.cancel()
            entry.timer = None
        try:
            yield
        finally:
            entry.paused -= 1
            if entry.dirty and not entry.paused:
                self._arm(entry, restart=True)

    # --- timers --------------------------------------------------------------------------
    def _arm(self, entry: Saveable, *, restart: bool = False) -> None:
        policy = entry.policy
        if policy.delay is None or entry.paused or self.closed:
            return
        if entry.task is not None and not entry.task.done():
            return  # the running save re-arms when it is done
        loop = _running_loop()
        if loop is None:
            return  # outside the loop: stays dirty for the next change or a flush
        if entry.timer is not None:
            if not restart or (policy.ceiling is not None and policy.ceiling <= policy.delay):
                return  # a fixed window is not pushed back by later changes
            entry.timer.cancel()
        wait = policy.delay
        if policy.ceiling is not None and entry.first_change is not None:
            wait = max(0.0, min(wait, entry.first_change + policy.ceiling - loop.time()))
        entry.timer = loop.call_later(wait, self._fire, entry)

    def _fire(self, entry: Saveable) -> None:
        entry.timer = None
        if entry.dirty and not entry.paused and not self.closed:
            entry.task = asyncio.get_running_loop().create_task(self._run(entry))

    async def _run(self, entry: Saveable) -> None:
        try:
            await self._save(entry)
        finally:
            entry.task = None
        if entry.dirty and entry.timer is None and not self.closed:
            self._arm(entry)  # more came in while saving: the next window

    async def _save(self, entry: Saveable) -> None:
        entry.dirty, first = False, entry.first_change
        entry.first_change = None
        try:
            result = entry.save()
            if inspect.isawaitable(result):
                result = await result
        except Exception:  # a saveable reports its own errors
            log.exception("saving %s failed", entry.name)
            result = False
        if result is False:
            entry.dirty = True  # could not save now: wait for the next change or an explicit save
            entry.first_change = first
        else:
            entry.saves += 1

    # --- explicit saves -------------------------------------------------------------------
    async def save(self, name: str) -> None:
        """Save ``name`` now if it is dirty (waits for a save in progress first)."""
        entry = self._entries[name]
        _cancel_timer(entry)
        while entry.task is not None:
            await asyncio.shield(entry.task)
        _cancel_timer(entry)  # the finished save re-armed for changes made meanwhile
        if entry.dirty:
            entry.task = asyncio.get_running_loop().create_task(self._save(entry))
            try:
                await asyncio.shield(entry.task)
            finally:
                entry.task = None

    def save_sync(self, name: str) -> None:
        """Save ``name`` now, on this thread (its save function must be synchronous)."""
        entry = self._entries[name]
        if entry.timer is not None:
            entry.timer.cancel()
            entry.timer = None
        first, entry.dirty, entry.first_change = entry.first_change, False, None
        try:
            result = entry.save()
        except Exception:  # a saveable reports its own errors
            log.exception("saving %s failed", entry.name)
            result = False
        if inspect.isawaitable(result):
            raise TypeError(f"{name}: save_sync needs a synchronous save function")
        if result is False:
            entry.dirty, entry.first_change = True, first
        else:
            entry.saves += 1

    async def flush_all(self) -> None:
        """Close: save every dirty entry that saves by itself, then stop timing."""
        for entry in list(self._entries.values()):
            if entry.policy.delay is not None and not entry.paused:
                await self.save(entry.name)
            elif entry.task is not None:
                await asyncio.shield(entry.task)
        self.close()

    def close(self) -> None:
        self.closed = True
        for entry in self._entries.values():
            if entry.timer is not None:
                entry.timer.cancel()
                entry.timer = None


def _cancel_timer(entry: Saveable) -> None:
    if entry.timer is not None:
        entry.timer.cancel()
        entry.timer = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
