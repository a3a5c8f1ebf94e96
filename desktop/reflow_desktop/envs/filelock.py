"""An inter-process exclusive file lock (fcntl on POSIX, msvcrt on Windows).

Used so that two windows opening notebooks with the same environment key build
it once: the second waits, then finds the marker and reuses the result. The OS
drops the lock when the holder dies, so a crashed build never wedges others.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType


class LockTimeout(TimeoutError):
    """``timeout`` elapsed (only when a timeout was given)."""


class FileLock:
    """``with FileLock(path):`` — blocks until held; ``acquire(blocking=False)`` tries once."""

    def __init__(self, path: Path, timeout: float | None = None) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock; False only when not blocking (or timed out) and someone else holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            while True:
                if _try_lock(fd, wait=blocking and deadline is None):
                    self._fd = fd
                    return True
                if not blocking:
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockTimeout(f"timed out waiting for {self.path}")
                time.sleep(0.05)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        return False

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int, wait: bool) -> bool:
        # LK_LOCK only retries for 10 s, so poll with LK_NBLCK instead; lock byte 0.
        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not wait:
                    return False
                time.sleep(0.05)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int, wait: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
