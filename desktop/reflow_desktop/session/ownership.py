"""Who may write a notebook file: one writing session per notebook, and never a read-only file.

Two windows (or two Reflow processes) writing one notebook lose one side's edits, so the first
session to open a file holds an OS file lock (``filelock``: ``flock`` / ``LockFileEx``) on a lock
file named after the notebook's path, under the user data dir (``$REFLOW_DATA_DIR/locks``); a
second session on the same file opens read-only and says why. The OS drops the lock when its
process dies, so the lock of a crashed or killed Reflow never blocks the next open.

A file the user may not write (no write permission for them, or no write bit at all — root can
write a ``0444`` file, but the user marked it read-only) opens read-only too: it is never silently
overwritten; "Save As" writes a copy elsewhere. (A folder that cannot be written is different: the
file is not marked read-only, editing goes on and the failed saves keep the text in a recovery file.)
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from reflow_desktop.sidecar.recovery import recovery_dir

log = logging.getLogger(__name__)


def locks_dir() -> Path:
    """Beside the recovery folder in the user data dir (owner-only)."""
    return recovery_dir().parent / "locks"


def lock_path(notebook: Path) -> Path:
    """The lock file of ``notebook`` (named by a hash of its resolved path)."""
    key = hashlib.sha256(str(notebook.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return locks_dir() / f"{key}.lock"


def read_only_reason(path: Path) -> str | None:
    """Why ``path`` must not be written by this user, or None (also for a file not there yet)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return f"{path.name} cannot be checked ({exc.strerror or exc})"
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            return f"{path.name} is not a regular file"
        if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
            return f"{path.name} is read-only on disk"
    return None  # an unwritable folder is not the file's read-only flag: edits go on, saves fail into recovery


@dataclass
class Ownership:
    """The outcome of ``claim``: ``read_only`` with a ``reason``, or the lock held until ``release``."""

    path: Path
    reason: str | None = None
    lock: FileLock | None = None

    @property
    def read_only(self) -> bool:
        return self.reason is not None

    def notice(self) -> str | None:
        """What the UI says about a read-only open (None when this session may write)."""
        if self.reason is None:
            return None
        return (
            f"{self.reason}, so it is open read-only: nothing will be written to it. "
            "Use Save As to keep a copy you can edit."
        )

    def release(self) -> None:
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.release()


def claim(path: Path) -> Ownership:
    """Take the right to write ``path`` (a read-only ``Ownership`` if someone else has it, or it is read-only)."""
    reason = read_only_reason(path)
    if reason is not None:
        return Ownership(path, reason)
    target = lock_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(target, timeout=0)
        lock.acquire()
    except Timeout:
        return Ownership(path, f"{path.name} is already open in another Reflow window")
    except OSError as exc:  # no lock possible here (odd file system): still edit, as before locks
        log.warning("cannot lock %s (%s); opening it without a lock", path, exc)
        return Ownership(path)
    return Ownership(path, lock=lock)
