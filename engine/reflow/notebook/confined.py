"""Files under ``__reflow__/`` handled without ever leaving it: no symlink followed, no path out.

A notebook folder comes from elsewhere (a zip, a ``git clone``): links in it survive and point
anywhere. ``Confined(base, "__reflow__", ...)`` trusts ``base`` (the folder the user opened) and
nothing below it: every directory on the way to a file is checked with ``lstat`` (a symlink or a
Windows junction is refused with ``LinkRefusedError``), files are opened with ``O_NOFOLLOW`` and
must be regular files, writes replace a file atomically and refuse a linked target, and every
name is one plain path component (``PathEscapeError`` for ``..``, separators, NUL).

Not covered: an attacker racing these checks while Reflow runs (a local user with write access
to the folder at that moment); see docs/SECURITY.md.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .atomic import atomic_write_bytes

_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: symlinks and junctions on Windows
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in the folder must not hang a read
_BINARY = getattr(os, "O_BINARY", 0)
_FORBIDDEN = "/\\\x00" + (":" if os.name == "nt" else "")  # ':' names a drive or a stream on Windows


class LinkRefusedError(OSError):
    """A symbolic link (or junction) where Reflow accepts only real files and directories."""

    def __init__(self, path: Path | str) -> None:
        text = (
            f"{path} is a symbolic link; Reflow never follows links inside __reflow__/ "
            "(remove the link to let Reflow use this place again)"
        )
        super().__init__(errno.ELOOP, text)
        self.path = str(path)

    def __str__(self) -> str:
        return str(self.strerror)


class PathEscapeError(ValueError):
    """A stored name that is not one plain file name (``..``, a separator, NUL)."""


def plain_name(name: str) -> str:
    """``name`` if it is one path component that stays where it is put; else PathEscapeError."""
    if not isinstance(name, str) or name in ("", ".", "..") or any(c in name for c in _FORBIDDEN) or len(name) > 255:
        raise PathEscapeError(f"not a plain file name: {name!r}")
    return name


def is_link(st: os.stat_result) -> bool:
    """A symlink, or on Windows any reparse point (junctions included)."""
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & _REPARSE_POINT)


class Confined:
    """The directory ``base/parts...``; only ``base`` itself may be (or lie behind) a link."""

    def __init__(self, base: str | os.PathLike[str], *parts: str) -> None:
        self.base = Path(base)
        self.parts = tuple(plain_name(p) for p in parts)
        self.root = self.base.joinpath(*self.parts)

    def path(self, *names: str) -> Path:
        """The path of ``names`` below the root (each a plain name; never outside)."""
        return self.root.joinpath(*(plain_name(n) for n in names))

    # --- directories ----------------------------------------------------------------------
    def check_dirs(self, *names: str, create: bool = False) -> Path:
        """Walk root and ``names`` as real directories (made when ``create``); the path reached.

        Raises LinkRefusedError for a link on the way, FileNotFoundError for a missing one,
        NotADirectoryError for a file in the way.
        """
        current = self.base
        for part in (*self.parts, *(plain_name(n) for n in names)):
            current = current / part
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(current)
                except FileExistsError:
                    pass
                st = os.lstat(current)
            if is_link(st):
                raise LinkRefusedError(current)
            if not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(f"{current} is not a directory")
        return current

    def links(self, *names: str) -> list[Path]:
        """Links found at root and at ``names`` directly below it (for a notice on open)."""
        found: list[Path] = []
        current = self.base
        for part in self.parts:
            current = current / part
            try:
                if is_link(os.lstat(current)):
                    return [current]
            except OSError:
                return []
        for name in names:
            p = current / plain_name(name)
            try:
                if is_link(os.lstat(p)):
                    found.append(p)
            except OSError:
                pass
        return found

    def files(self, *names: str) -> list[str]:
        """Names of the regular files (links excluded) in the directory ``names``; [] if none."""
        try:
            directory = self.check_dirs(*names)
            with os.scandir(directory) as it:
                return [e.name for e in it if e.is_file(follow_symlinks=False)]
        except OSError:
            return []

    def dirs(self, *names: str) -> list[str]:
        """Names of the real directories (links excluded) in the directory ``names``."""
        try:
            directory = self.check_dirs(*names)
            with os.scandir(directory) as it:
                return [e.name for e in it if e.is_dir(follow_symlinks=False)]
        except OSError:
            return []

    def rmdir(self, *names: str) -> None:
        """Remove an empty real directory; OSError otherwise."""
        path = self.check_dirs(*names)
        os.rmdir(path)

    # --- files ------------------------------------------------------------------------------
    def lstat(self, *names: str) -> os.stat_result:
        """``lstat`` of a file below the root (its directories checked)."""
        self.check_dirs(*names[:-1])
        return os.lstat(self.path(*names))

    def read_bytes(self, *names: str, limit: int | None = None) -> bytes:
        """The content of a regular file; LinkRefusedError for a link, ValueError past ``limit``."""
        self.check_dirs(*names[:-1])
        path = self.path(*names)
        if not _NOFOLLOW and is_link(os.lstat(path)):
            raise LinkRefusedError(path)
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
        except OSError:
            if os.path.islink(path):
                raise LinkRefusedError(path) from None
            raise
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise OSError(f"{path} is not a regular file")
            if limit is not None and st.st_size > limit:
                raise ValueError(f"{path} is larger than {limit} bytes")
            return f.read()

    def write_bytes(self, *names: str, data: bytes, durable: bool = True) -> Path:
        """Atomically replace a file (directories made as needed); never through a link.

        ``durable=False``: not flushed to disk (``atomic.atomic_write_bytes``)."""
        self.check_dirs(*names[:-1], create=True)
        path = self.path(*names)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            pass
        else:
            if is_link(st):
                raise LinkRefusedError(path)
            if not stat.S_ISREG(st.st_mode):
                raise IsADirectoryError(f"{path} is not a regular file")
        atomic_write_bytes(path, data, follow_symlinks=False, durable=durable)
        return path

    def touch(self, *names: str) -> None:
        """Refresh a regular file's mtime (never a link's target)."""
        st = self.lstat(*names)
        if is_link(st) or not stat.S_ISREG(st.st_mode):
            raise LinkRefusedError(self.path(*names))
        if os.utime in os.supports_follow_symlinks:
            os.utime(self.path(*names), follow_symlinks=False)
        else:
            os.utime(self.path(*names))

    def unlink(self, *names: str) -> None:
        """Delete a file below the root (a link itself, never what it points to)."""
        self.check_dirs(*names[:-1])
        os.unlink(self.path(*names))


def confine(path: str | os.PathLike[str], marker: str = "__reflow__") -> Confined:
    """``path`` as a Confined whose untrusted part starts at its last ``marker`` component.

    ``/home/u/nb/__reflow__/cache`` → base ``/home/u/nb``, parts ``("__reflow__", "cache")``;
    a path without the marker (a cache directory the user chose) is trusted as a whole.
    """
    p = Path(os.path.abspath(os.fspath(path)))
    parts = p.parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == marker:
            return Confined(Path(*parts[:i]), *parts[i:])
    return Confined(p)
