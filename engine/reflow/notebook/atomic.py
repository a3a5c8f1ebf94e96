"""Atomic file writes: a crash or full disk never leaves a half-written file.

Write a temp file in the same directory, fsync it, ``os.replace`` it over the
target, then fsync the directory so the rename itself is durable. The target's
permission bits are kept; symlinks are written through unless ``follow_symlinks=False``
(then a link at ``path`` is itself replaced by the new file: ``os.replace`` never follows it).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
import time


class AtomicWriteError(OSError):
    """Saving failed; the original file is unchanged."""


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # racy fallback, but brief
    os.umask(mask)
    return mask


def _fsync_dir(directory: str) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(src: str, dst: str) -> None:
    # On Windows a reader (antivirus, indexer) can hold the target open for a moment.
    for attempt in range(10 if sys.platform == "win32" else 1):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == 9 or sys.platform != "win32":
                raise
            time.sleep(0.05 * (attempt + 1))  # type: ignore[unreachable,unused-ignore]  # reachable on Windows only


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    follow_symlinks: bool = True,
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``data`` atomically; raises AtomicWriteError (original intact).

    ``mode``: the new file's permissions (e.g. 0o600 for a token; it is never readable by others on
    the way); by default the old file's, else the umask's. ``durable=False``: no fsync of the file
    nor of its folder (two disk flushes per file: most of a small write's cost). Readers still never
    see half a file while the system runs, but a crash may leave it empty or lose it: only for files
    whose reader checks their content and can do without them (the output history's objects).
    """
    target = os.path.realpath(os.fspath(path)) if follow_symlinks else os.path.abspath(os.fspath(path))
    directory = os.path.dirname(target)
    try:
        st = os.stat(target) if follow_symlinks else os.lstat(target)
        kept = st.st_mode & 0o7777 if not stat.S_ISLNK(st.st_mode) else 0o666 & ~_umask()
    except FileNotFoundError:
        kept = 0o666 & ~_umask()
    except OSError as exc:
        raise AtomicWriteError(exc.errno, f"cannot save {target}: {exc.strerror}") from exc
    if mode is None:
        mode = kept
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise AtomicWriteError(
            exc.errno, f"cannot save {target}: cannot create a temporary file in {directory} ({exc.strerror or exc})"
        ) from exc
    try:
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                if durable:
                    os.fsync(f.fileno())
            os.chmod(tmp, mode)
            _replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise AtomicWriteError(
            exc.errno or errno.EIO, f"cannot save {target}: {exc.strerror or exc}; the original file is unchanged"
        ) from exc
    if durable:
        _fsync_dir(directory)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", *, mode: int | None = None
) -> None:
    """Text version of atomic_write_bytes (no newline translation: bytes are written as given)."""
    atomic_write_bytes(path, text.encode(encoding), mode=mode)
