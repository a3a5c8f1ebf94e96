"""The kernel's output journal: every message the ``reflow`` comm sends, appended to a file.

A run may outlive its window (issue 18): the app process closes or dies while cells keep
printing. The kernel therefore appends each comm message to
``__reflow__/journal/<kernel>.jsonl`` beside the notebook; the app that reattaches reads it
back and replays what it missed. Each message gets a sequence number, sent with it in the
comm message's metadata (``reflow_seq``), so the app can tell exactly which live messages the
file already holds.

Writing stays off the output path: ``record`` only appends to a list under a lock; a
flusher thread serialises and writes the list every ``FLUSH_S`` (``flush`` writes at once:
the attach request asks for that). The file is opened without following links, inside a
folder reached without following links (``reflow.notebook.confined``).

Reading treats the file as hostile (the folder may come from anywhere): a size cap, a line
cap, the JSON shape of every record and increasing sequence numbers are checked; a bad line
is skipped and named, the good records are kept; a torn last line (the writer was killed
mid-write) is dropped silently.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook.confined import Confined, LinkRefusedError, PathEscapeError

JOURNAL_DIR = "journal"
SUFFIX = ".jsonl"
FORMAT = 1
FLUSH_S = 0.2  # how long recorded messages may wait before they are written
MAX_JOURNAL_BYTES = 256 * 1024 * 1024  # the writer stops here; the reader refuses bigger files
MAX_LINE_BYTES = 64 * 1024 * 1024  # one message (an output) larger than this is not a record
MAX_EARLY = 10_000  # messages kept before the app says where the journal goes (or that there is none)
SEQ_KEY = "reflow_seq"  # the comm message metadata key carrying the sequence number
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class JournalError(ValueError):
    """The journal cannot be read at all (missing, a link, too big, not a journal)."""


def journal_dir(notebook: str | os.PathLike[str]) -> Confined:
    """``__reflow__/journal/`` beside ``notebook`` (the notebook's folder is trusted, nothing below it)."""
    return Confined(Path(notebook).parent, "__reflow__", JOURNAL_DIR)


def journal_path(notebook: str | os.PathLike[str], name: str) -> Path:
    """The journal file ``name`` (one plain file name) of ``notebook``; PathEscapeError otherwise."""
    if not name.endswith(SUFFIX):
        raise PathEscapeError(f"{name!r} is not a journal file name")
    return journal_dir(notebook).path(name)


class Journal:
    """Append-only, buffered journal of outgoing comm messages (one per kernel process)."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.error: str | None = None  # why nothing is written (unwritable folder, a link, full)
        self._seq = 0
        self._written_seq = 0  # the last sequence number on disk
        self._pending: list[tuple[int, Mapping[str, Any]]] = []
        self._lock = threading.Lock()  # guards _seq and _pending: held for an append only
        self._write_lock = threading.Lock()  # one writer of the file at a time
        self._fd: int | None = None
        self._size = 0
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def seq(self) -> int:
        """The last sequence number handed out."""
        return self._seq

    @property
    def written_seq(self) -> int:
        """The last sequence number written to the file (everything up to it is on disk)."""
        return self._written_seq

    # --- the output path: one call per message, no I/O --------------------------------
    def record(self, msg: Mapping[str, Any]) -> dict[str, int]:
        """Keep ``msg`` for the file; the comm metadata that numbers it (``{"reflow_seq": n}``)."""
        with self._lock:
            self._seq += 1
            seq = self._seq
            if self._fd is not None or (self.path is None and self.error is None and len(self._pending) < MAX_EARLY):
                self._pending.append((seq, msg))
                first = len(self._pending) == 1
            else:
                first = False
        if first and self._thread is not None:
            self._wake.set()
        return {SEQ_KEY: seq}

    # --- the file -------------------------------------------------------------------------
    def move(self, notebook: str | os.PathLike[str], name: str) -> Path | None:
        """The notebook was saved elsewhere (Save As): the journal goes beside the new file.

        Copied whole (a reattach there replays everything), then the old file is removed, so
        nothing is written beside the old notebook any more. If the new folder cannot take it,
        the old file stays open and is returned: nothing is lost.
        """
        with self._write_lock:
            old_fd, old_path = self._fd, self.path
        if old_fd is None or old_path is None:
            return self.open(notebook, name)
        if journal_dir(notebook).root == old_path.parent:
            return old_path
        with self._write_lock:
            self._flush_locked()
            if self._fd is None:  # closed meanwhile (the size cap): nothing to carry
                return self.path
            try:
                fd, path = _create_beside(notebook, name)
            except (OSError, ValueError):
                return self.path
            try:
                src = os.open(old_path, os.O_RDONLY | _NOFOLLOW | _BINARY)
                try:
                    while chunk := os.read(src, 1 << 20):
                        os.write(fd, chunk)
                finally:
                    os.close(src)
            except OSError:
                os.close(fd)
                os.unlink(path)
                return self.path
            os.close(self._fd)
            self._fd, self.path = fd, path
            try:
                Confined(old_path.parent.parent.parent, "__reflow__", JOURNAL_DIR).unlink(old_path.name)
            except (OSError, ValueError):
                pass
            return path

    def open(self, notebook: str | os.PathLike[str], name: str) -> Path | None:
        """Start writing ``__reflow__/journal/<name>`` beside ``notebook`` (messages so far included).

        Returns the path, or None when the folder cannot take it (``error`` says why); a second
        call keeps the file already open.
        """
        with self._write_lock:
            if self._fd is not None:
                return self.path
            try:
                fd, path = _create_beside(notebook, name)
                st = os.fstat(fd)
            except (OSError, ValueError) as exc:
                self.error = f"the output journal cannot be written: {exc}"
                with self._lock:
                    self._pending.clear()
                return None
            header = {"journal": FORMAT, "pid": os.getpid()}
            line = (json.dumps(header) + "\n").encode()
            os.write(fd, line)
            self._fd, self.path, self._size, self.error = fd, path, st.st_size + len(line), None
        self._thread = threading.Thread(target=self._flusher, name="reflow-journal", daemon=True)
        self._thread.start()
        self.flush()
        return path

    def disable(self, why: str) -> None:
        """No journal for this kernel (a read-only notebook): nothing is kept from now on."""
        with self._lock:
            self.error = why
            self._pending.clear()

    def flush(self) -> int:
        """Write every recorded message now; the last sequence number on disk."""
        with self._write_lock:
            return self._flush_locked()

    def _flush_locked(self) -> int:
        """The body of ``flush``; the caller holds ``_write_lock``."""
        with self._lock:
            pending, self._pending = self._pending, []
        if self._fd is None or not pending:
            return self._written_seq
        chunks = []
        for seq, msg in pending:
            try:
                chunks.append(json.dumps({"seq": seq, "msg": msg}, separators=(",", ":"), default=str))
            except (TypeError, ValueError, RecursionError) as exc:  # never lose the rest for one message
                chunks.append(json.dumps({"seq": seq, "msg": {"type": "journal_skipped", "why": str(exc)[:200]}}))
        data = ("\n".join(chunks) + "\n").encode("utf-8", "surrogatepass")
        if self._size + len(data) > MAX_JOURNAL_BYTES:
            self.error = f"the output journal reached {MAX_JOURNAL_BYTES} bytes; later outputs are not in it"
            os.close(self._fd)
            self._fd = None
            return self._written_seq
        try:
            os.write(self._fd, data)
        except OSError as exc:
            self.error = f"the output journal cannot be written: {exc}"
            return self._written_seq
        self._size += len(data)
        self._written_seq = pending[-1][0]
        return self._written_seq

    def close(self) -> None:
        self.flush()
        with self._write_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _flusher(self) -> None:
        while self._fd is not None:
            self._wake.wait()
            self._wake.clear()
            # a short pause gathers a print loop's messages into one write
            threading.Event().wait(FLUSH_S)
            try:
                self.flush()
            except Exception:  # a failed write must never take the kernel down
                pass


def _create_beside(notebook: str | os.PathLike[str], name: str) -> tuple[int, Path]:
    """Open the journal file ``name`` of ``notebook`` for appending: its fd and path.

    The folder is made without following links, the file is 0600 and never opened through a
    link; OSError / ValueError (PathEscapeError) when the place cannot take it.
    """
    journal_dir(notebook).check_dirs(create=True)
    path = journal_path(notebook, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOFOLLOW | _BINARY, 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return fd, path


# --- reading it back (the app side; stdlib only, so both sides share it) --------------------
@dataclass
class JournalRead:
    """What a journal file held: ``(seq, message)`` records in order, and what was wrong, if anything."""

    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def last_seq(self) -> int:
        return self.records[-1][0] if self.records else 0

    def through(self, seq: int) -> Iterator[dict[str, Any]]:
        """The messages numbered up to ``seq`` (what the file had when the kernel flushed it)."""
        for n, msg in self.records:
            if n > seq:
                return
            yield msg


def read_journal(path: str | os.PathLike[str], *, limit: int = MAX_JOURNAL_BYTES) -> JournalRead:
    """Read and check a journal file; JournalError when it cannot be used at all.

    ``path`` must lie in a notebook's ``__reflow__/journal/`` (no link on the way, a regular file).
    """
    p = Path(os.path.abspath(os.fspath(path)))
    if p.parent.name != JOURNAL_DIR or p.parent.parent.name != "__reflow__" or not p.name.endswith(SUFFIX):
        raise JournalError(f"{p} is not in a notebook's __reflow__/journal folder")
    try:
        raw = Confined(p.parent.parent.parent, "__reflow__", JOURNAL_DIR).read_bytes(p.name, limit=limit)
    except LinkRefusedError as exc:
        raise JournalError(f"the output journal is a link, not read: {exc}") from exc
    except ValueError as exc:
        raise JournalError(f"the output journal is too large to read ({exc})") from exc
    except OSError as exc:
        raise JournalError(f"the output journal cannot be read: {exc.strerror or exc}") from exc
    return parse_journal(raw)


def parse_journal(raw: bytes) -> JournalRead:
    """Check every line of a journal's bytes; bad lines are skipped and named in ``problems``."""
    out = JournalRead()
    lines = raw.split(b"\n")
    torn = lines.pop() if lines else b""  # the text after the last newline: a write cut short
    if not lines:
        raise JournalError("the output journal is empty or not a journal")
    try:
        header = json.loads(lines[0])
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("journal") != FORMAT:
        raise JournalError("the output journal has no journal header (not a Reflow journal, or another version)")
    last = 0
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        why = _check_line(line, last)
        if isinstance(why, str):
            out.problems.append(f"line {number}: {why}")
            continue
        last = why[0]
        out.records.append(why)
    if torn.strip():
        pass  # the writer was stopped mid-line: that message never fully reached the file
    return out


def _check_line(line: bytes, last: int) -> tuple[int, dict[str, Any]] | str:
    if len(line) > MAX_LINE_BYTES:
        return f"a record larger than {MAX_LINE_BYTES} bytes"
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return f"not JSON ({str(exc)[:80]})"
    if not isinstance(rec, dict) or set(rec) != {"seq", "msg"}:
        return "not a journal record"
    seq, msg = rec["seq"], rec["msg"]
    if type(seq) is not int or seq <= last:
        return "a sequence number out of order"
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        return "a record without a message"
    return seq, msg
