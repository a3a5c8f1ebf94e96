"""The on-disk cache: ``<root>/<name>/<key>.pkl`` files, signed, with a self-checking header.

File layout (why: a reader must tell a complete entry of this user's from a torn, foreign or
planted one without unpickling it)::

    b"REFLOWC\x02" | header length (4 bytes, little endian) | header JSON
                   | HMAC-SHA256 of (magic, header) with this user's key (32 bytes) | pickle payload

The header holds the format version, key, name, creation time, payload size and SHA-256,
Python version and the seconds the cached computation took; the signature covers the header,
hence the payload's hash. Unpickling runs code, and a notebook folder may come from anyone: an
entry whose signature does not verify with this user's key (``signing``) is a miss, deleted,
and never unpickled (nor is its header parsed). A missing, truncated or corrupt entry is a miss
too, never a crash.

Files are reached through ``reflow.notebook.confined``: below a ``__reflow__`` folder no symlink
is followed. Writes are atomic (temp file, fsync, rename): a process killed mid-write leaves only
a hidden ``.*.tmp`` file, never a visible entry; old temp files are swept later. The total size
of entries is kept under ``max_bytes`` by deleting least-recently-used entries first; a hit
refreshes the entry's mtime, which is the recency clock (atime is unreliable with ``noatime``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reflow.notebook.atomic import AtomicWriteError
from reflow.notebook.confined import Confined, PathEscapeError, confine

from . import signing

MAGIC = b"REFLOWC\x02"
FORMAT_VERSION = 2
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
TMP_MAX_AGE_S = 15 * 60  # older hidden temp files are debris of a killed writer
SUFFIX = ".pkl"
PYTHON = "{}-{}.{}.{}".format(sys.implementation.name, *sys.version_info[:3])
MAX_HEADER_BYTES = 1 << 20


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


def frame(key: bytes, header: dict[str, Any], payload: bytes) -> bytes:
    """The bytes of an entry file: magic, header, signature, payload."""
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    signature = signing.sign(key, MAGIC, head)
    return b"".join((MAGIC, len(head).to_bytes(4, "little"), head, signature, payload))


def _verified_header(key: bytes, data: bytes) -> tuple[dict[str, Any], int] | None:
    """(header, payload offset) if ``data`` starts with a header signed with ``key``; else None."""
    start = len(MAGIC) + 4
    if len(data) < start or data[: len(MAGIC)] != MAGIC:
        return None
    size = int.from_bytes(data[len(MAGIC) : start], "little")
    end = start + size + signing.SIGNATURE_BYTES
    if size > MAX_HEADER_BYTES or len(data) < end:
        return None
    head = data[start : start + size]
    if not signing.verify(key, data[start + size : end], MAGIC, head):
        return None  # not written by this user's Reflow: never parsed, never unpickled
    try:
        header = json.loads(head.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return (header, end) if isinstance(header, dict) else None


class CacheStore:
    """Entries under one root directory (``__reflow__/cache`` beside a notebook)."""

    def __init__(self, root: str | os.PathLike[str], max_bytes: int | None = None, *, key: bytes | None = None) -> None:
        self.root = Path(root)
        self.max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else int(max_bytes)
        self.files: Confined = confine(self.root)
        self._key = key

    @property
    def key(self) -> bytes:
        """The signing key: given, else this user's (``signing.user_key``)."""
        if self._key is None:
            self._key = signing.user_key()
        return self._key

    @staticmethod
    def _checked(key: str) -> str:
        if not _valid_key(key):
            raise ValueError(f"invalid cache key {key!r}")
        return key

    def path(self, name: str, key: str) -> Path:
        return self.root / safe_name(name) / f"{self._checked(key)}{SUFFIX}"

    # ----- reading ---------------------------------------------------------------
    def load(self, name: str, key: str) -> Entry | None:
        """The entry or None (miss). A damaged or unsigned entry is deleted and is a miss."""
        where = (safe_name(name), f"{self._checked(key)}{SUFFIX}")
        try:
            data = self.files.read_bytes(*where)
        except (OSError, ValueError):
            return None
        parsed = _parse(self.key, data, key)
        if parsed is None:
            _unlink(self.files, *where)
            return None
        header, payload = parsed
        try:
            value = pickle.loads(payload)
        except Exception:  # a class that no longer exists, a damaged pickle...
            _unlink(self.files, *where)
            return None
        try:
            self.files.touch(*where)  # LRU clock
        except OSError:
            pass
        return Entry(value, header)

    def header(self, path: Path) -> dict[str, Any] | None:
        """The header of a signed entry file, without checking or unpickling its payload."""
        try:
            with open(path, "rb") as f:
                data = f.read(len(MAGIC) + 4 + MAX_HEADER_BYTES + signing.SIGNATURE_BYTES)
        except OSError:
            return None
        verified = _verified_header(self.key, data)
        return verified[0] if verified else None

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
        blob = frame(self.key, header, payload)
        if len(blob) > self.max_bytes:
            return None
        path = self.path(name, key)
        try:
            self.files.base.mkdir(parents=True, exist_ok=True)  # the trusted part (the notebook's folder)
            self.files.write_bytes(safe_name(name), path.name, data=blob)
        except (OSError, AtomicWriteError) as exc:
            raise CacheWriteError(f"cannot write {path}: {exc}") from exc
        self.evict(keep=path)
        return path

    # ----- housekeeping --------------------------------------------------------------
    def entries(self) -> list[tuple[Path, os.stat_result]]:
        """Every visible entry file with its stat (oldest access first); links are not entries."""
        found = []
        for d in self.files.dirs():
            for f in self.files.files(d):
                if f.endswith(SUFFIX) and not f.startswith("."):
                    try:
                        found.append((self.root / d / f, self.files.lstat(d, f)))
                    except (OSError, PathEscapeError):
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
            if _unlink(self.files, path.parent.name, path.name):
                removed += 1
            total -= st.st_size
        return removed

    def clear(self, name: str | None = None) -> int:
        """Delete every entry (of one name, or all); returns how many entries went."""
        dirs = [safe_name(name)] if name is not None else self.files.dirs()
        removed = 0
        for d in dirs:
            for f in self.files.files(d):
                if f.endswith(SUFFIX) or f.endswith(".tmp"):
                    if _unlink(self.files, d, f) and f.endswith(SUFFIX) and not f.startswith("."):
                        removed += 1
            try:
                self.files.rmdir(d)
            except (OSError, PathEscapeError):
                pass
        return removed

    def _sweep_temp(self) -> None:
        cutoff = time.time() - TMP_MAX_AGE_S
        for d in self.files.dirs():
            for f in self.files.files(d):
                if f.startswith(".") and f.endswith(".tmp"):
                    try:
                        st = self.files.lstat(d, f)
                        if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                            _unlink(self.files, d, f)
                    except (OSError, PathEscapeError):
                        pass


def _parse(signing_key: bytes, data: bytes, key: str) -> tuple[dict[str, Any], bytes] | None:
    """Header and payload of a complete, intact entry for ``key`` signed with ``signing_key``."""
    verified = _verified_header(signing_key, data)
    if verified is None:
        return None
    header, offset = verified
    payload = data[offset:]
    if (
        header.get("format") != FORMAT_VERSION
        or header.get("key") != key
        or header.get("python") != PYTHON
        or header.get("size") != len(payload)
        or header.get("sha256") != hashlib.sha256(payload).hexdigest()
    ):
        return None
    return header, payload


def _unlink(files: Confined, *names: str) -> bool:
    try:
        files.unlink(*names)
        return True
    except (OSError, PathEscapeError):
        return False
