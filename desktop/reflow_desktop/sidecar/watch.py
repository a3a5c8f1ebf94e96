"""Notice when the notebook file changes on disk, and decide what to do about it.

``FileWatcher`` polls (about once a second, an asyncio task: no extra thread,
no platform watcher quirks on network drives) the file's mtime, size and — for
files of ordinary size — content hash, and reports each *distinct* new content
once. The session acknowledges its own saves so they are not reported.

``plan_reload`` is the pure decision: re-read text → a new notebook whose
unchanged cells (same kind and code hash) keep their session ids, hence their
outputs; changed and new cells get fresh ids. If the session has unsaved edits
the plan is a *conflict*: neither side is overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reflow.notebook import Notebook, NotebookFormatError, parse_notebook, render_notebook
from reflow.notebook.io import decode
from reflow_desktop.polling import Poller
from reflow_desktop.sidecar.format import code_hash
from reflow_desktop.sidecar.match import match_cells

POLL_S = 1.0
HASH_EVERY_POLL_MAX = 4 * 1024 * 1024  # below this size, hash even when stat looks unchanged


@dataclass(frozen=True)
class Fingerprint:
    mtime_ns: int
    size: int
    sha256: str


def read_fingerprint(path: Path) -> tuple[Fingerprint, bytes] | None:
    """The file's fingerprint and bytes; None if it does not exist or cannot be read."""
    try:
        st = path.stat()
        data = path.read_bytes()
    except OSError:
        return None
    return Fingerprint(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest()), data


ChangeCallback = Callable[[bytes | None], None]  # new content, None when the file was deleted


class FileWatcher:
    """Reports each new content of ``path`` that the app did not write itself."""

    def __init__(self, path: str | os.PathLike[str], on_change: ChangeCallback, *, interval: float = POLL_S) -> None:
        self.path = Path(path)
        self.on_change = on_change
        self.known: Fingerprint | None = None
        self._gone = False
        self._held = 0  # > 0: another program of ours is writing the file (uv): no polls
        self._poller = Poller(self.check, interval, name="notebook file watch")
        self.acknowledge()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No polls inside: the app has another program write the file (uv edits the PEP 723 block), and a
        poll between its truncating and its writing read a notebook without cells and reloaded that. What
        the file holds afterwards is the app's own (the session re-reads the block itself)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held:
                self.acknowledge()

    def acknowledge(self) -> None:
        """The current file content is ours (just loaded or saved): do not report it."""
        got = read_fingerprint(self.path)
        self.known = got[0] if got else None
        self._gone = got is None

    def check(self) -> bool:
        """One poll; calls ``on_change`` and returns True when the content changed."""
        if self._held:
            return False
        try:
            st = self.path.stat()
        except FileNotFoundError:
            if self.known is not None and not self._gone:
                self._gone = True
                self.on_change(None)
                return True
            return False
        except OSError:
            return False
        k = self.known
        if k is not None and st.st_mtime_ns == k.mtime_ns and st.st_size == k.size and st.st_size > HASH_EVERY_POLL_MAX:
            return False
        got = read_fingerprint(self.path)
        if got is None:
            return False
        fp, data = got
        if k is not None and fp.sha256 == k.sha256:
            self.known, self._gone = fp, False  # touched, same content
            return False
        self.known, self._gone = fp, False
        self.on_change(data)
        return True

    @property
    def interval(self) -> float:
        return self._poller.interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self._poller.interval = seconds  # read before each sleep: takes effect from the next poll

    def start(self) -> None:
        self._poller.start()

    async def stop(self) -> None:
        await self._poller.stop()


# --- the merge decision --------------------------------------------------------------------
PlanKind = Literal["reload", "conflict", "unchanged", "deleted", "invalid"]


@dataclass
class ReloadPlan:
    """What to do about new file content. ``notebook`` is set for ``reload`` (and ``conflict``)."""

    kind: PlanKind
    message: str
    notebook: Notebook | None = None
    kept: list[str] = field(default_factory=list)  # ids of unchanged cells (outputs kept)
    added: list[str] = field(default_factory=list)  # new ids: new or changed cells
    removed: list[str] = field(default_factory=list)  # old ids no longer in the file
    changed: int = 0  # how many of ``added`` replace an edited cell
    options_changed: list[str] = field(default_factory=list)  # kept ids whose marker options differ


def _key(kind: str, source: str) -> str:
    return f"{kind}:{code_hash(source)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def plan_reload(current: Notebook, dirty: bool, data: bytes | None, name: str) -> ReloadPlan:
    """Decide how to bring the session in line with ``data`` (the file's new bytes)."""
    if data is None:
        return ReloadPlan(
            "deleted", f"{name} was deleted or moved on disk. The notebook stays open here; save to write it again."
        )
    try:
        text, bom = decode(data)
        new = parse_notebook(text)
        new._bom = bom
    except NotebookFormatError as exc:
        return ReloadPlan(
            "invalid",
            f"{name} changed on disk but cannot be read ({exc}). "
            "Your version stays open; autosave is paused so the file "
            "is not overwritten. Save to replace it with your version.",
        )
    try:
        same = render_notebook(current) == text
    except Exception:  # compare by cells below
        same = False
    if same:
        return ReloadPlan("unchanged", "")
    if dirty:
        return ReloadPlan(
            "conflict",
            f"{name} changed on disk while you have unsaved edits. Nothing was "
            "overwritten: your edits stay here (a copy is kept for recovery) and "
            "autosave is paused. Save to replace the file with your version, or "
            "reopen the file to take the version on disk.",
            notebook=new,
        )
    old_keys = [_key(c.kind, c.source) for c in current.cells]
    new_keys = [_key(c.kind, c.source) for c in new.cells]
    matches = match_cells(old_keys, new_keys)
    plan = ReloadPlan("reload", "", notebook=new)
    used: set[int] = set()
    for cell, m in zip(new.cells, matches, strict=False):
        if m.old is not None:
            used.add(m.old)
        if m.exact and m.old is not None:
            old = current.cells[m.old]
            cell.id = old.id
            plan.kept.append(cell.id)
            if cell.options != old.options:
                plan.options_changed.append(cell.id)
        else:
            plan.added.append(cell.id)
            if m.old is not None:
                plan.changed += 1
                plan.removed.append(current.cells[m.old].id)
    plan.removed += [c.id for i, c in enumerate(current.cells) if i not in used]
    parts = []
    if plan.changed:
        parts.append(f"{_plural(plan.changed, 'cell')} changed")
    if len(plan.added) - plan.changed:
        parts.append(f"{len(plan.added) - plan.changed} added")
    if len(plan.removed) - plan.changed:
        parts.append(f"{len(plan.removed) - plan.changed} removed")
    if not parts and (plan.options_changed or [c.id for c in current.cells] != plan.kept):
        parts.append("cells moved or options changed")
    what = ", ".join(parts) or "no cell changed"
    plan.message = f"{name} changed on disk and was reloaded ({what}); outputs of unchanged cells were kept."
    return plan
