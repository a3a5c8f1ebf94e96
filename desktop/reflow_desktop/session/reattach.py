"""Runs that outlive the window: keep a kernel running without its window, find it again, reattach.

The kernel journals every comm message beside the notebook (``reflow.kernel.journal``) and decides
itself when to end without an app (``reflow.kernel.background``). This side keeps one **record**
per notebook whose kernel may outlive its window, in the user's private Jupyter runtime dir (0700,
never the notebook's folder, which may come from anywhere): the notebook, the kernel's connection
file (jupyter_client writes it 0600 there), its pid and its journal. On open, a record whose pid is
alive and whose kernel answers is **reattached**: the session connects to that kernel instead of
launching one, takes the kernel's cell ids, replays the journal up to the number the kernel last
flushed, then lets the live events that came after through. A record whose pid is dead is stale
and removed with its connection file (``clean_stale``).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import hashlib
import itertools
import json
import logging
import os
import secrets
import signal
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from reflow.kernel.journal import JournalError, journal_dir, read_journal
from reflow.notebook import Cell, atomic_write_text
from reflow.notebook.confined import Confined
from reflow.notebook.document import diff
from reflow_desktop import protocol as P
from reflow_desktop.pids import pid_alive
from reflow_desktop.remote.place import LOCAL
from reflow_desktop.session.events import unfold
from reflow_desktop.session.kernel_control import (
    ReattachError,
    control_request,
    forget_connection_file,
    runtime_dir,
    send_and_wait,
    stop_kernel,
)

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient

    from reflow.notebook import Notebook
    from reflow.notebook.document import Document
    from reflow_desktop.session.kernel import KernelProcess
    from reflow_desktop.session.state import CellCache
    from reflow_desktop.sidecar.binding import SessionSidecar

log = logging.getLogger(__name__)

RECORDS = "reflow-kernels"
MAX_RECORD_BYTES = 64 * 1024
ATTACH_REQUEST = "reflow_attach_request"  # reflow.kernel.background answers these on the control channel
DETACH_REQUEST = "reflow_detach_request"
HEARD_TIMEOUT_S = 2.0  # how long the iopub echo of an attach request may take before asking again
ATTACH_TRIES = 15
# kernel messages replayed from the journal: what the cells show (the rest answered a window that is gone)
REPLAYED = frozenset({"cell_status", "cell_clear", "cell_output", "cell_cached", "graph", "variables", "ui_kept"})
RUNNING = frozenset({"running", "queued"})


# --- records -----------------------------------------------------------------------------------
def records_dir() -> Path:
    path = runtime_dir() / RECORDS
    path.mkdir(exist_ok=True, mode=0o700)
    return path


def record_path(notebook: Path) -> Path:
    key = hashlib.sha256(str(notebook.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return records_dir() / f"{key}.json"


@dataclass
class KernelRecord:
    """A kernel that may outlive its window: enough to find it and to connect to it again."""

    notebook: str
    connection_file: str
    pid: int
    journal: str | None
    app_pid: int
    kept: bool = False  # its window closed with "keep running"

    @classmethod
    def from_json(cls, data: object) -> KernelRecord:
        """A record read back, checked (ValueError names what is wrong)."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        notebook, cf, journal = data.get("notebook"), data.get("connection_file"), data.get("journal")
        pid, app_pid, kept = data.get("pid"), data.get("app_pid"), data.get("kept", False)
        if not isinstance(notebook, str) or not isinstance(cf, str):
            raise ValueError("notebook and connection_file must be strings")
        if type(pid) is not int or pid <= 0 or type(app_pid) is not int:
            raise ValueError("pid must be a positive integer")
        if journal is not None and not isinstance(journal, str):
            raise ValueError("journal must be a string")
        if not isinstance(kept, bool):
            raise ValueError("kept must be true or false")
        if Path(cf).parent != runtime_dir():  # only a connection file of ours, in the private runtime dir
            raise ValueError("the connection file is not in the runtime dir")
        return cls(notebook, cf, pid, journal, app_pid, kept)


def write_record(record: KernelRecord) -> None:
    path = record_path(Path(record.notebook))
    atomic_write_text(path, json.dumps(asdict(record)), mode=0o600)  # holds the kernel's connection file path


def read_record(notebook: Path) -> KernelRecord | None:
    """The notebook's record, or None (none, or unusable: then removed)."""
    path = record_path(notebook)
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise ValueError("too large")
        record = KernelRecord.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        log.warning("kernel record %s is unusable (%s); removed", path, exc)
        path.unlink(missing_ok=True)
        return None
    if Path(record.notebook).resolve() != notebook.resolve():
        return None
    return record


def remove_record(notebook: Path) -> None:
    record_path(notebook).unlink(missing_ok=True)


def clean_stale() -> int:
    """Remove records (and their connection files) whose kernel is gone; how many were removed."""
    removed = 0
    for path in records_dir().glob("*.json"):
        try:
            record = KernelRecord.from_json(json.loads(path.read_text(encoding="utf-8")[:MAX_RECORD_BYTES]))
        except (OSError, ValueError, RecursionError):
            path.unlink(missing_ok=True)
            removed += 1
            continue
        if not pid_alive(record.pid):
            forget_connection_file(record.connection_file)
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --- the session's side ---------------------------------------------------------------------------
def match_ids(ours: list[Cell], theirs: list[dict[str, Any]]) -> dict[str, str]:
    """Our cell id -> the kernel's id, for cells that are the same (or at the same place in a changed run)."""
    a = [(c.kind, c.source) for c in ours]
    b = [(str(c.get("kind")), str(c.get("code"))) for c in theirs]
    mapping: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                mapping[ours[i1 + k].id] = str(theirs[j1 + k]["id"])
    return mapping


def kernel_cells(raw: object) -> list[dict[str, Any]]:
    """The kernel's cells from its attach reply, checked (ReattachError if they are not cells)."""
    if not isinstance(raw, list):
        raise ReattachError("the kernel has no notebook open")
    cells = []
    for c in raw:
        if not (isinstance(c, dict) and isinstance(c.get("id"), str) and c.get("kind") in ("code", "markdown")):
            raise ReattachError("the kernel's cells are not cells")
        if not isinstance(c.get("code"), str) or not isinstance(c.get("options", {}), dict):
            raise ReattachError("the kernel's cells are not cells")
        cells.append(c)
    return cells


class BackgroundHost(Protocol):
    """What a session lends its runs that outlive the window (the Session satisfies it; no import loop).

    Wider than the doors in ``doors.py``: adopting a running kernel replays its journal into the
    session's own cache and sidecar, takes over its operation numbering and re-announces the session.
    """

    kernel: KernelProcess
    cache: CellCache
    sidecar: SessionSidecar
    document: Document
    read_only: bool
    startup_notices: list[str]
    _seq: itertools.count[int]

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def has_clients(self) -> bool: ...

    def broadcast(self, msg: dict[str, Any]) -> None: ...

    def session_message(self) -> dict[str, Any]: ...

    def connection_file(self) -> str | None: ...

    async def start_kernel(self, *, run: bool | None = None) -> None: ...

    def to_kernel(self, data: dict[str, Any]) -> asyncio.Future[None]: ...

    def _on_kernel_event(self, msg: dict[str, Any]) -> None: ...

    def _on_kernel_state(self, state: str, message: str | None) -> None: ...


class BackgroundRuns:
    """One session's part in runs that outlive the window: record, journal, keep running, reattach."""

    def __init__(self, session: BackgroundHost) -> None:
        self.session = session
        self.journal: Path | None = None
        self.reattached = False
        self.offered: KernelRecord | None = None  # found after the app died: Reattach / Stop kernel, the user's call
        session.kernel.on_connected = self._connected

    @property
    def cells_running(self) -> bool:
        """Whether a cell runs or waits to (what the close dialog asks about)."""
        return any(st.status in RUNNING for st in self.session.cache.cells.values())

    # --- a kernel we launched -------------------------------------------------------------
    async def _connected(self, kc: AsyncKernelClient) -> None:
        """A fresh kernel answers: tell it where to journal and who we are; write the record."""
        s = self.session
        if s.kernel.place != LOCAL:  # a kernel elsewhere (ssh, gateway): no journal beside a file it cannot see
            return
        old = self.journal
        name = f"{uuid.uuid4().hex}.jsonl"
        journal = None if s.read_only else {"notebook": str(s.path), "name": name}
        try:
            reply = await control_request(kc, ATTACH_REQUEST, {"journal": journal, "app_pid": os.getpid()})
        except ReattachError as exc:  # an older kernel without the request: no journal, nothing kept
            log.warning("kernel journal: %s", exc)
            return
        self.journal = Path(reply["journal"]) if isinstance(reply.get("journal"), str) else None
        if reply.get("journal_error") and not s.read_only:
            self._tell(f"Runs cannot outlive this window: {reply['journal_error']}", "warning")
        if old is not None and old != self.journal:
            _remove_journal(old)  # the previous kernel's (a restart): its outputs are the session's now
        self._write(kept=False, kc_pid=reply.get("pid"))

    async def follow(self, old: Path) -> None:
        """Save As: the kernel's journal and record go with the notebook; nothing stays beside ``old``."""
        s = self.session
        remove_record(old)
        kc = s.kernel.kc
        if kc is None or s.kernel.place != LOCAL or s.read_only or s.kernel.state == "dead":
            return
        name = f"{uuid.uuid4().hex}.jsonl"
        content = {"journal": {"notebook": str(s.path), "name": name}, "app_pid": os.getpid()}
        try:
            reply = await control_request(kc, ATTACH_REQUEST, content)
        except ReattachError as exc:
            log.warning("kernel journal not moved: %s", exc)
            return
        self.journal = Path(reply["journal"]) if isinstance(reply.get("journal"), str) else None
        self._write(kept=False, kc_pid=reply.get("pid"))

    def _write(self, *, kept: bool, kc_pid: object = None) -> None:
        s = self.session
        cf = s.connection_file()
        pid = kc_pid if type(kc_pid) is int else s.kernel.pid
        if cf is None or not isinstance(pid, int) or s.read_only:
            return
        try:
            journal = str(self.journal) if self.journal else None
            write_record(KernelRecord(str(s.path), cf, pid, journal, os.getpid(), kept))
        except (OSError, ValueError) as exc:
            log.warning("kernel record not written: %s", exc)

    # --- closing ------------------------------------------------------------------------------
    async def keep_running(self) -> bool:
        """The window closes, the kernel stays: detach it (it journals, then lingers), leave it running."""
        s = self.session
        kc = s.kernel.kc
        if kc is None or s.kernel.state == "dead" or s.read_only:
            return False
        try:
            await control_request(kc, DETACH_REQUEST, {})
        except ReattachError as exc:
            log.warning("keep running: %s", exc)
            return False
        self._write(kept=True)
        await s.kernel.release()
        return True

    def forget(self) -> None:
        """The kernel was shut down with its window: no record, no journal (the sidecar has the outputs)."""
        if self.offered is not None:  # never answered: that kernel runs on, findable by the next open
            return
        remove_record(self.session.path)
        if self.journal is not None:
            _remove_journal(self.journal)
            self.journal = None

    # --- opening -------------------------------------------------------------------------------
    def running_record(self) -> KernelRecord | None:
        """A record of a kernel still running for this notebook (a stale one is cleaned)."""
        record = read_record(self.session.path)
        if record is None:
            return None
        if not pid_alive(record.pid) or not Path(record.connection_file).is_file():
            forget_connection_file(record.connection_file)
            remove_record(self.session.path)
            if record.journal:
                self._recover(Path(record.journal))
            return None
        return record

    def _recover(self, journal: Path) -> None:
        """A kernel that ran on without a window has ended: show what its journal holds that the sidecar may not.

        Its last record (``journal_end``) names its cells, so its events are given to ours by matching cells.
        A journal without one (the kernel was killed) cannot be matched and is only removed.
        """
        s = self.session
        if journal.parent != journal_dir(s.path).root:
            return
        try:
            read = read_journal(journal)
        except JournalError as exc:
            self._tell(f"Outputs produced while the notebook was closed could not be read: {exc}", "warning")
            return
        end = next((m for _, m in reversed(read.records) if m.get("type") == "journal_end"), None)
        try:
            theirs = kernel_cells(end.get("cells") if end is not None else None)
        except ReattachError:
            _remove_journal(journal)
            return
        ours = {v: k for k, v in match_ids(list(s.document.cells), theirs).items()}
        shown = 0
        for _, msg in read.records:
            for event in unfold(msg):
                cid = ours.get(str(event.get("id")))
                if cid is None or event.get("type") not in ("cell_status", "cell_clear", "cell_output", "cell_cached"):
                    continue
                event = {**event, "id": cid}
                s.cache.apply(event)
                s.sidecar.observe_event(event)
                shown += 1
        _remove_journal(journal)
        if shown:
            self._tell("The kernel kept running after this notebook closed and has ended since; its outputs are shown.")

    async def found(self, record: KernelRecord) -> bool:
        """On open, a kernel still runs this notebook. True when the session need not start one.

        Kept with its window's "keep running": reattached at once. Left behind by an app that died
        (killed, crashed): offered to the pages -- Reattach or Stop kernel (``background_kernel``).
        """
        if record.kept:
            return await self.reattach(record)
        self.offered = record
        s = self.session
        s.kernel.state = "dead"
        s._on_kernel_state(
            "dead", f"A kernel started before Reflow closed still runs this notebook (pid {record.pid})."
        )
        s.broadcast(P.background_kernel_msg(record.pid))
        return True

    def pending(self) -> list[dict[str, Any]]:
        """What a page connecting now must see: the offer, while it stands."""
        return [P.background_kernel_msg(self.offered.pid)] if self.offered is not None else []

    async def take_offer(self, reattach: bool) -> None:
        """The page's answer: reattach to the kernel offered, or stop it; either way a kernel runs after."""
        record, self.offered = self.offered, None
        if record is None:
            return
        s = self.session
        s.broadcast(P.background_kernel_msg(None))
        if reattach and await self.reattach(record):
            return
        if not reattach:
            await stop_recorded(record)
            remove_record(s.path)
            self._tell(f"Stopped the kernel that was still running this notebook (pid {record.pid}).")
        await s.start_kernel()

    async def reattach(self, record: KernelRecord) -> bool:
        """Connect to the kernel of ``record``; show what it produced meanwhile. False if it did not answer."""
        s = self.session
        kernel = s.kernel
        try:
            reply = await kernel.adopt(record.connection_file, record.pid, self._handshake)
            cells = kernel_cells(reply.get("cells"))
        except (ReattachError, OSError, ValueError) as exc:
            log.warning("reattach to kernel %s failed: %s", record.pid, exc)
            self._tell(f"A kernel still running for this notebook (pid {record.pid}) did not answer.", "warning")
            if kernel.adopted is not None:
                await kernel.release()
            return False
        held, kernel.hold = kernel.hold or [], None
        raw_seq = reply.get("seq")
        seq = raw_seq if isinstance(raw_seq, int) else 0
        s._seq = itertools.count(1_000_000_000 + secrets.randbelow(1_000_000_000))  # never an old operation's seq
        self._adopt_ids(cells)
        self.journal = Path(reply["journal"]) if isinstance(reply.get("journal"), str) else None
        problems = self._replay(seq)
        for n, content in held:  # the live messages of the reflow comm the journal did not have yet
            if isinstance(n, int) and n > seq and content.get("comm_id") == kernel.comm_id:
                s._on_kernel_event(content.get("data") or {})
        self.reattached = True
        self._write(kept=False, kc_pid=reply.get("pid"))
        s.broadcast(s.session_message())  # a page that connected while this went on starts over
        what = "is still running" if self.cells_running else "kept running"
        self._tell(
            f"Reattached to the kernel that {what} while this notebook was closed (pid {record.pid}); "
            "what it produced meanwhile is shown."
        )
        for problem in problems:
            self._tell(problem, "warning")
        return True

    def _tell(self, text: str, level: Literal["info", "warning", "error"] = "info") -> None:
        """A notice for the pages: now if one is connected, else when the first one connects."""
        if self.session.has_clients:
            self.session.broadcast(P.notice_msg(level, text))
        else:
            self.session.startup_notices.append(text)

    async def _handshake(self, kc: AsyncKernelClient) -> dict[str, Any]:
        """Attach once this client surely hears iopub: the kernel's "busy" for our request came back.

        The kernel publishes "busy" before it flushes the journal; hearing it means every message
        after the flush reaches us live, and every one before it is in the file.
        """
        kernel = self.session.kernel
        content = {"journal": None, "app_pid": os.getpid()}
        for _ in range(ATTACH_TRIES):
            heard = asyncio.Event()
            msg = kc.session.msg(ATTACH_REQUEST, content)
            kernel.on_busy(msg["header"]["msg_id"], heard.set)
            reply = await send_and_wait(kc, msg)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(heard.wait(), HEARD_TIMEOUT_S)
            if heard.is_set():
                if reply.get("status") != "ok":
                    raise ReattachError("the kernel refused to attach")
                return reply
        raise ReattachError("the kernel's messages never reached this app")

    def _adopt_ids(self, theirs: list[dict[str, Any]]) -> None:
        """Our cells take the kernel's ids (what its journal and its runtime name them); the kernel gets our edits."""
        s = self.session
        mapping = match_ids(list(s.document.cells), theirs)
        taken = set(mapping.values())
        for cell in s.notebook.cells:
            if cell.id in mapping:
                cell.id = mapping[cell.id]
            elif cell.id in taken:  # an unmatched cell of ours wearing an id the kernel uses
                cell.id = uuid.uuid4().hex[:12]
        for table in (s.cache.cells, s.sidecar.produced, s.sidecar.ran_at, s.sidecar.ui_values):
            moved = {mapping.get(k, k): v for k, v in table.items()}
            table.clear()
            table.update(moved)  # type: ignore[arg-type]  # each table keeps its own value type
        kernel_side = [
            Cell(kind=c["kind"], source=c["code"], options=dict(c.get("options") or {}), id=c["id"]) for c in theirs
        ]
        tx = diff(kernel_side, list(s.document.cells), "file")
        if tx.changes:  # the file changed while no window was open: the kernel follows it
            s.to_kernel({"type": "apply_transaction", "source": "file", "changes": tx.to_json()["changes"]})

    def _replay(self, seq: int) -> list[str]:
        """The journal's messages up to ``seq`` into the cells (no page sees each one: the session message follows)."""
        s = self.session
        if self.journal is None:
            return []
        expected = journal_dir(s.path).root
        if self.journal.parent != expected:
            return [f"The kernel's output journal is not in {expected}; it was not read."]
        try:
            read = read_journal(self.journal)
        except JournalError as exc:
            return [f"Outputs produced while the notebook was closed could not be read: {exc}"]
        for msg in read.through(seq):
            for event in unfold(msg):
                if event.get("type") in REPLAYED:
                    s.cache.apply(event)
                    s.sidecar.observe_event(event)
        if read.problems:
            first = "; ".join(read.problems[:3])
            return [f"The output journal had {len(read.problems)} unreadable record(s), skipped: {first}"]
        return []


async def stop_recorded(record: KernelRecord) -> None:
    """Shut down the kernel of ``record`` (which this process never connected to) and forget its files."""
    from jupyter_client.asynchronous.client import AsyncKernelClient

    if pid_alive(record.pid):
        kc = AsyncKernelClient()
        try:
            kc.load_connection_file(record.connection_file)
            kc.start_channels(shell=False, iopub=False, stdin=False, hb=False, control=True)
            await stop_kernel(kc, record.pid)
        except (OSError, ValueError) as exc:
            log.warning("stopping kernel %s: %s", record.pid, exc)
            with contextlib.suppress(OSError):
                os.killpg(os.getpgid(record.pid), signal.SIGKILL)
        finally:
            kc.stop_channels()
    forget_connection_file(record.connection_file)
    if record.journal:
        _remove_journal(Path(record.journal))


def _remove_journal(path: Path) -> None:
    """Delete a journal file (never through a link; only in a ``__reflow__/journal`` folder)."""
    if path.parent.name == "journal" and path.parent.parent.name == "__reflow__":
        with contextlib.suppress(OSError, ValueError):
            Confined(path.parent.parent.parent, "__reflow__", "journal").unlink(path.name)
