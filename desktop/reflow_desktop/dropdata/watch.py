"""Run a loader cell again when the data file it reads changes on disk.

A cell opts in with ``watch=true`` on its marker line (a dropped file's loader has it); the files
it reads are the literal paths of its reader calls (``reflow.analysis.file_reads``), relative to the
notebook's folder. ``DataWatch`` polls them (an asyncio task, like the notebook file's watcher:
no thread, no platform watcher quirks on network drives) by ``stat`` alone -- data files may be
large, so nothing is hashed. A change counts once it has settled: the same new signature on two
polls in a row, so a file still being written is not read half way. Then the cells that read it
run (through the session's ``run``, so trust and read-only apply), and their dependents follow as
after any run. A loader that writes its own file would run again and again: don't mark it.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol

from reflow.analysis.file_reads import literal_file_reads
from reflow.notebook import Notebook
from reflow_desktop import protocol as P
from reflow_desktop.polling import Poller

log = logging.getLogger(__name__)
Message = dict[str, Any]
POLL_S = 0.5
_reads = functools.lru_cache(maxsize=512)(literal_file_reads)  # a cell's code is parsed once, not every poll
Signature = tuple[int, int, int] | None  # (mtime_ns, size, inode); None: not there


class WatchDoor(Protocol):
    """What the watcher needs of its session (a ``Session`` satisfies it)."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def kernel_state(self) -> str: ...

    def broadcast(self, msg: Message) -> None: ...

    def handle(self, raw: object, reply: Callable[[Message], None]) -> Coroutine[Any, Any, object]: ...


def signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def watched(notebook: Notebook, folder: Path) -> dict[Path, list[str]]:
    """File -> the ``watch=true`` cells that read it (display order)."""
    out: dict[Path, list[str]] = {}
    for cell in notebook.cells:
        if cell.kind != "code" or cell.options.get("watch") is not True:
            continue
        for text in _reads(cell.source):
            path = Path(text)
            out.setdefault(path if path.is_absolute() else folder / path, []).append(cell.id)
    return out


class DataWatch:
    """Polls the files that ``watch=true`` cells read; a settled change runs those cells."""

    def __init__(self, door: WatchDoor, *, interval: float = POLL_S) -> None:
        self.door = door
        self.known: dict[Path, Signature] = {}  # what the cells last saw (or were started with)
        self.seen: dict[Path, Signature] = {}  # a new signature seen once: runs if the next poll agrees
        self._poller = Poller(self.check, interval, name="data file watch")

    def note_new(self) -> None:
        """Take the content of files newly watched now, before their cells first run: a change after this
        is seen. Left to the next poll, a change made between the run and that poll became the known content."""
        for path in watched(self.door.notebook, self.door.path.parent):
            if path not in self.known:
                self.known[path] = signature(path)

    def poll(self) -> dict[Path, list[str]]:
        """One look at every watched file; returns the settled changes: file -> cells to run."""
        targets = watched(self.door.notebook, self.door.path.parent)
        for gone in set(self.known) - set(targets):
            self.known.pop(gone, None)
            self.seen.pop(gone, None)
        changed: dict[Path, list[str]] = {}
        for path, cells in targets.items():
            now = signature(path)
            if path not in self.known:
                self.known[path] = now  # newly watched: its current content is what the cell reads
                continue
            if now == self.known[path]:
                self.seen.pop(path, None)
            elif path in self.seen and self.seen[path] == now:
                self.known[path] = now
                del self.seen[path]
                changed[path] = cells
            else:
                self.seen[path] = now
        return changed

    async def check(self) -> list[str]:
        """Poll, then run the cells whose files changed; returns their ids."""
        changed = self.poll()
        if not changed or self.door.kernel_state == "dead":
            return []
        cells = list(dict.fromkeys(cid for ids in changed.values() for cid in ids))
        names = ", ".join(sorted(p.name for p in changed))
        self.door.broadcast(P.notice_msg("info", f"{names} changed on disk: running its loader again"))

        def reply(msg: Message) -> None:
            if msg.get("type") == "error":
                log.info("re-running %s after a file change: %s", cells, msg.get("message"))

        await self.door.handle({"type": "run", "cells": [{"id": cid} for cid in cells]}, reply)
        return cells

    # --- the task -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start polling (needs the running event loop); files are baselined on the first poll."""
        if not self._poller.running:
            self.poll()
            self._poller.start()

    async def stop(self) -> None:
        await self._poller.stop()
