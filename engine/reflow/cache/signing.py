"""The per-user secret key that signs cache entries (HMAC-SHA256), so a shipped pickle never loads.

A cache entry found in ``__reflow__/cache/`` may come from anyone (a zip, a ``git clone``);
unpickling runs code. Entries are signed with a key only this user can read, so an entry is
trusted only when this user's Reflow wrote it.

Where the key lives (the engine knows only the standard library, not platformdirs):

1. ``REFLOW_KEY_FILE`` — the desktop app may name it when it starts a kernel;
2. ``$REFLOW_DATA_DIR/secret.key`` — the data-dir override the app honours too;
3. ``<user data dir>/reflow/secret.key`` with the same rules as
   ``platformdirs.user_data_dir("reflow", appauthor=False)`` (tested against it).

The key is 32 random bytes, stored as hex in a file created with owner-only permissions
(``0600``; the directory ``0700`` when Reflow creates it). A key file that is readable by others
or not owned by this user is not used: then, as when no key can be stored at all, a key for
this process only is used (entries written now are misses in the next session, never unsafe).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import stat
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

KEY_FILE_ENV = "REFLOW_KEY_FILE"
DATA_DIR_ENV = "REFLOW_DATA_DIR"
KEY_FILE_NAME = "secret.key"
KEY_BYTES = 32
SIGNATURE_BYTES = 32  # HMAC-SHA256

_lock = threading.Lock()
_keys: dict[str, bytes] = {}
_ephemeral = secrets.token_bytes(KEY_BYTES)


def user_data_dir() -> Path:
    """``platformdirs.user_data_dir("reflow", appauthor=False)``, with the standard library only."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "reflow"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "reflow"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return Path(xdg if xdg else home / ".local" / "share") / "reflow"


def key_file() -> Path:
    """Where this user's key is (see the module doc for the order)."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    data = os.environ.get(DATA_DIR_ENV)
    return (Path(data) if data else user_data_dir()) / KEY_FILE_NAME


def _private(st: os.stat_result) -> bool:
    if sys.platform == "win32":
        return True  # ACLs, not mode bits: the profile directory is the user's
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _read(path: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not _private(os.fstat(f.fileno())):
            raise PermissionError(f"{path} is readable by other users or not yours; not used as a key")
        text = f.read(4 * KEY_BYTES).strip()
    key = bytes.fromhex(text.decode("ascii"))
    if len(key) < KEY_BYTES:
        raise ValueError(f"{path} holds no {KEY_BYTES}-byte key")
    return key


def _create(path: Path) -> bytes:
    """Write a new key with owner-only permissions; the winner of a race is read back."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        found = _read(path)
        if found is None:
            raise
        return found
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
        f.flush()
        os.fsync(f.fileno())
    return key


def user_key() -> bytes:
    """This user's signing key (read, or created on first use); a per-process key if impossible."""
    path = key_file()
    cached = _keys.get(str(path))
    if cached is not None:
        return cached
    with _lock:
        try:
            key = _read(path) or _create(path)
        except (OSError, ValueError) as exc:
            log.warning(
                "cache signing key %s unusable (%s); persistent cache entries last this session only", path, exc
            )
            key = _ephemeral
        _keys[str(path)] = key
        return key


def sign(key: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA256 over ``parts`` (length-prefixed, so parts cannot be shifted into each other)."""
    message = b"".join(len(part).to_bytes(8, "little") + part for part in parts)
    return hmac.digest(key, message, "sha256")  # one-shot, by name: OpenSSL's fast path


def verify(key: bytes, signature: bytes, *parts: bytes) -> bool:
    """Constant-time check of ``signature`` over ``parts``."""
    return hmac.compare_digest(signature, sign(key, *parts))
