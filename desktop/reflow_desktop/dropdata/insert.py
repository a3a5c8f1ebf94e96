"""Put a dropped file's loader cell into a session: insert it, add the reader's packages, run it.

Runs on the session's event loop. Every step goes through the session's own doors, so a drop is
checked like a page's messages are (read-only, trust): ``create_cell`` inserts each cell after the
focused one (or at the end); then, once for all the files dropped together, the Packages flow
(``PackageManager.add``: ``uv add --script``, build, restart) adds what the notebook's block lacks
and runs the cells, else a plain ``run`` does. A refused file is one ``notice`` to the pages and
nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reflow.analysis import analyze_cell
from reflow.notebook import Notebook
from reflow.notebook.model import new_cell_id
from reflow.notebook.sql_cells import is_sql
from reflow_desktop import protocol as P
from reflow_desktop.dropdata.loader import DropRefused, Library, Loader, loader_for

log = logging.getLogger(__name__)
Message = dict[str, Any]


class DropPackages(Protocol):
    """The Packages flow (``session/packages.py``): uv add, build, restart, then run ``rerun``."""

    async def add(self, requirement: str | list[str], rerun: list[str] | None = None) -> bool: ...


class DropTrust(Protocol):
    def refusal(self, msg: Message) -> str | None: ...


class DropDoor(Protocol):
    """What a drop needs of its session (a ``Session`` satisfies it)."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def read_only(self) -> bool: ...

    @property
    def packages(self) -> DropPackages: ...

    @property
    def trust(self) -> DropTrust: ...

    def broadcast(self, msg: Message) -> None: ...

    def handle(self, raw: object, reply: Callable[[Message], None]) -> Coroutine[Any, Any, object]: ...


@dataclass(frozen=True)
class Dropped:
    """What became of one dropped path: the new cell's id, or None and the message shown instead."""

    path: str
    cell_id: str | None
    message: str
    loader: Loader | None = None


def defined_names(notebook: Notebook) -> set[str]:
    """Every global a code cell binds (a loader must not take one of them)."""
    names: set[str] = set()
    for cell in notebook.cells:
        if cell.kind == "code" and is_sql(cell.options):  # binds its name= option (reflow.notebook.sql_cells)
            bound = cell.options.get("name")
            names |= {bound} if isinstance(bound, str) else set()
        elif cell.kind == "code":
            found = analyze_cell(cell.source)
            names |= found.defs | found.maybe_defs | found.privates
    return names


def missing_packages(notebook: Notebook, wanted: Sequence[str]) -> list[str]:
    """The packages of ``wanted`` the notebook's PEP 723 block does not list yet (names compared as PyPI does)."""
    have: set[str] = set()
    for dep in notebook.metadata.dependencies if notebook.metadata else []:
        try:
            have.add(canonicalize_name(Requirement(dep).name))
        except InvalidRequirement:
            continue
    return [p for p in wanted if canonicalize_name(p) not in have]


def _index_after(notebook: Notebook, after: str | None) -> int:
    ids = [c.id for c in notebook.cells]
    return ids.index(after) + 1 if after in ids else len(ids)


async def drop_files(door: DropDoor, paths: Sequence[str], after: str | None, library: Library) -> list[Dropped]:
    """One loader cell per loadable path, in order, after ``after`` (a cell id) or at the end; then one
    package step for all of them (one uv edit, one build) and one run. Refusals are told to the pages."""
    results: list[Dropped] = []
    for raw in paths:
        results.append(await _insert(door, raw, after, library))
        after = results[-1].cell_id or after  # the next one goes below the last inserted
    loaders = [r for r in results if r.cell_id is not None and r.loader is not None]
    if not loaders:
        return results
    cells = [r.cell_id for r in loaders if r.cell_id is not None]
    watch = getattr(door, "data_watch", None)
    if watch is not None:
        watch.note_new()  # the files as the loaders will first read them
    wanted = list(dict.fromkeys(p for r in loaders if r.loader is not None for p in r.loader.packages))
    missing = missing_packages(door.notebook, wanted)
    told = "; ".join(r.message for r in loaders)
    door.broadcast(P.notice_msg("info", told + (f" (adding {', '.join(missing)})" if missing else "")))
    if missing and await door.packages.add(missing, rerun=cells):
        return results  # the Packages flow ran them (or, after its restart, the whole notebook)

    def reply(msg: Message) -> None:
        if msg.get("type") == "error":
            log.info("running dropped loaders: %s", msg.get("message"))

    # nothing missing -- or the add failed (its notice says why; the cells' errors show what is missing)
    await door.handle({"type": "run", "cells": [{"id": cid} for cid in cells]}, reply)
    return results


async def _insert(door: DropDoor, raw: str, after: str | None, library: Library) -> Dropped:
    """Insert the loader cell for ``raw`` after ``after``; a refusal is told to the pages and changes nothing."""
    errors: list[str] = []

    def reply(msg: Message) -> None:
        if msg.get("type") == "error":
            errors.append(str(msg.get("message")))

    def refused(text: str) -> Dropped:
        door.broadcast(P.notice_msg("error", text))
        return Dropped(raw, None, text)

    if door.read_only:
        return refused("Not loaded: this notebook is open read-only.")
    if (why := door.trust.refusal({"type": "run", "cells": []})) is not None:
        return refused(f"Not loaded: {why}")
    try:
        loader = loader_for(raw, door.path.parent, library, defined_names(door.notebook))
    except DropRefused as exc:
        return refused(str(exc))
    cell_id = new_cell_id()
    create = {
        "type": "create_cell",
        "id": cell_id,
        "index": _index_after(door.notebook, after),
        "kind": "code",
        "code": loader.code,
        "options": dict(loader.options),
    }
    await door.handle(create, reply)
    if errors:
        return refused(f"Not loaded: {errors[0]}")
    return Dropped(raw, cell_id, f"Loading {loader.path_text} into {loader.name}", loader)
