"""The on-disk cache: ``<root>/<name>/<key>.pkl`` files with a self-checking header.

File layout (why: a reader must tell a complete entry from a torn or foreign one
without unpickling it)::

    b"REFLOWC\\x01" | header length (4 bytes, little endian) | header JSON | pickle payload

The header holds the format version, key, name, creation time, payload size and
SHA-256, Python version and the seconds the cached computation took. A missing,
truncated, corrupt or foreign entry is a miss and is deleted -- never a crash.

Writes go through ``reflow.notebook.atomic`` (temp file, fsync, rename): a process
killed mid-write leaves only a hidden ``.*.tmp`` file, never a visible entry; old
temp files are swept later. The total size of entries is kept under ``max_bytes``
by deleting least-recently-used entries first; a hit refreshes the entry's mtime,
which is the recency clock (atime is unreliable with ``noatime`` mounts).

Unpickling runs code: the cache directory is as trusted as the notebook beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook.atomic import AtomicWriteError, atomic_write_bytes

MAGIC = b"REFLOWC\x01"
FORMAT_VERSION = 1
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
TMP_MAX_AGE_S = 15 * 60  # older hidden temp files are debris of a killed writer
SUFFIX = ".pkl"
PYTHON = "{}-{}.{}.{}".format(sys.implementation.name, *sys.version_info[:3])


class CacheWriteError(Exception):
    """An entry could not be saved (value not picklable, disk full); nothing was written."""


@dataclass
class Entry:
    """A loaded entry: the unpickled payload and its header."""

    value: Any
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def saved_seconds(self) -> float:
        return float(self.header.get("seconds") or 0.0)


def safe_name(name: str) -> str:
    """A directory name for a cache name: readable, no path tricks, no collisions."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:80].lstrip(".") or "_"
    if cleaned != name:
        cleaned += "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return cleaned


def _valid_key(key: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_-]{8,128}", key))


class CacheStore:
    """Entries under one root directory (``__reflow__/cache`` beside a notebook)."""

    def __init__(self, root: str | os.PathLike[str], max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else int(max_bytes)

    def path(self, name: str, key: str) -> Path:
        if not _valid_key(key):
            raise ValueError(f"invalid cache key {key!r}")
        return self.root / safe_name(name) / f"{key}{SUFFIX}"

    # ----- reading ---------------------------------------------------------------
    def load(self, name: str, key: str) -> Entry | None:
        """The entry or None (miss). A damaged entry is deleted and is a miss."""
        path = self.path(name, key)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            return None
        parsed = _parse(data, key)
        if parsed is None:
            _unlink(path)
            return None
        header, payload = parsed
        try:
            value = pickle.loads(payload)
        except Exception:  # a class that no longer exists, a damaged pickle...
            _unlink(path)
            return None
        try:
            os.utime(path)  # LRU clock
        except OSError:
            pass
        return Entry(value, header)

    def header(self, path: Path) -> dict[str, Any] | None:
        """The header of an entry file, without reading or checking its payload."""
        try:
            with open(path, "rb") as f:
                head = f.read(len(MAGIC) + 4)
                if len(head) < len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
                    return None
                size = int.from_bytes(head[len(MAGIC) :], "little")
                header = json.loads(f.read(size).decode("utf-8"))
                return header if isinstance(header, dict) else None
        except (OSError, ValueError):
            return None

    # ----- writing ----------------------------------------------------------------
    def save(
        self, name: str, key: str, value: Any, seconds: float = 0.0, meta: dict[str, Any] | None = None
    ) -> Path | None:
        """Write an entry atomically, then evict LRU entries past the size limit.

        Returns the path, or None when the entry alone exceeds the limit (not kept).
        Raises CacheWriteError when the value cannot be pickled or written.
        """
        try:
            payload = pickle.dumps(value, protocol=5)
        except Exception as exc:
            raise CacheWriteError(f"cannot pickle the result: {exc}") from exc
        header = {
            "format": FORMAT_VERSION,
            "key": key,
            "name": name,
            "created": time.time(),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "python": PYTHON,
            "seconds": round(float(seconds), 6),
            "meta": meta or {},
        }
        head = json.dumps(header, sort_keys=True).encode("utf-8")
        blob = b"".join((MAGIC, len(head).to_bytes(4, "little"), head, payload))
        if len(blob) > self.max_bytes:
            return None
        path = self.path(name, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, blob)
        except (OSError, AtomicWriteError) as exc:
            raise CacheWriteError(f"cannot write {path}: {exc}") from exc
        self.evict(keep=path)
        return path

    # ----- housekeeping --------------------------------------------------------------
    def entries(self) -> list[tuple[Path, os.stat_result]]:
        """Every visible entry file with its stat (oldest access first)."""
        found = []
        try:
            dirs = list(os.scandir(self.root))
        except OSError:
            return []
        for d in dirs:
            if not d.is_dir(follow_symlinks=False):
                continue
            try:
                for f in os.scandir(d.path):
                    if f.name.endswith(SUFFIX) and not f.name.startswith("."):
                        try:
                            found.append((Path(f.path), f.stat(follow_symlinks=False)))
                        except OSError:
                            pass
            except OSError:
                pass
        found.sort(key=lambda item: item[1].st_mtime)
        return found

    def total_bytes(self) -> int:
        return sum(st.st_size for _, st in self.entries())

    def evict(self, keep: Path | None = None) -> int:
        """Delete least-recently-used entries until the total fits; returns how many."""
        self._sweep_temp()
        entries = self.entries()
        total = sum(st.st_size for _, st in entries)
        removed = 0
        for path, st in entries:
            if total <= self.max_bytes:
                break
            if keep is not None and path == keep:
                continue
            if _unlink(path):
                removed += 1
            total -= st.st_size
        return removed

    def clear(self, name: str | None = None) -> int:
        """Delete every entry (of one name, or all); returns how many entries went."""
        dirs = (
            [self.root / safe_name(name)]
            if name is not None
            else [Path(d.path) for d in _scandir(self.root) if d.is_dir(follow_symlinks=False)]
        )
        removed = 0
        for d in dirs:
            for f in _scandir(d):
                if f.name.endswith(SUFFIX) or f.name.endswith(".tmp"):
                    if _unlink(Path(f.path)) and f.name.endswith(SUFFIX) and not f.name.startswith("."):
                        removed += 1
            try:
                d.rmdir()
            except OSError:
                pass
        return removed

    def _sweep_temp(self) -> None:
        cutoff = time.time() - TMP_MAX_AGE_S
        for d in _scandir(self.root):
            if d.is_dir(follow_symlinks=False):
                for f in _scandir(Path(d.path)):
                    if f.name.startswith(".") and f.name.endswith(".tmp"):
                        try:
                            if f.stat().st_mtime < cutoff:
                                _unlink(Path(f.path))
                        except OSError:
                            pass


def _parse(data: bytes, key: str) -> tuple[dict[str, Any], bytes] | None:
    """Header and payload of a complete, intact entry for ``key``; None otherwise."""
    start = len(MAGIC) + 4
    if len(data) < start or data[: len(MAGIC)] != MAGIC:
        return None
    size = int.from_bytes(data[len(MAGIC) : start], "little")
    try:
        header = json.loads(data[start : start + size].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict):
        return None
    payload = data[start + size :]
    if (
        header.get("format") != FORMAT_VERSION
        or header.get("key") != key
        or header.get("python") != PYTHON
        or header.get("size") != len(payload)
        or header.get("sha256") != hashlib.sha256(payload).hexdigest()
    ):
        return None
    return header, payload


def _scandir(path: Path | str) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(path))
    except OSError:
        return []


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except OSError:
        return False
