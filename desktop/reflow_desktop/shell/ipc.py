"""Single-instance protocol, without Qt: where the socket lives and what goes over it.

A second ``reflow nb.py`` connects to the running app's local socket, sends one
JSON line ``{"v": 1, "cmd": "open", "paths": [...]}`` and waits for ``{"ok": true}``.
Paths are made absolute by the *sender*, because the running app has another cwd.
On Unix the socket is a plain AF_UNIX path, so the sender needs no Qt at all and
exits fast; the running app listens on it with QLocalServer (see ``instance.py``).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import stat
import sys
import tempfile
from pathlib import Path

PROTOCOL_VERSION = 1
MAX_MESSAGE = 64 * 1024


def server_name(data_dir: str | os.PathLike[str]) -> str:
    """One name per user *and* data dir, so tests with their own data dir get their own app.

    On Unix it is a full socket path (short enough for AF_UNIX's ~104-byte limit).
    """
    try:
        user = getpass.getuser()
    except Exception:
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha256(f"{user}\0{Path(data_dir).resolve()}".encode()).hexdigest()[:12]
    if sys.platform == "win32":
        return f"reflow-{digest}"
    return os.path.join(socket_dir(), f"reflow-{digest}.sock")


def socket_dir() -> str:
    """A directory only this user can enter (0700, owned by us, not a link) for the socket.

    In a shared /tmp another user could otherwise squat on the socket's name or read
    what it says; ``$XDG_RUNTIME_DIR`` is per-user already, and gets a subdirectory too.
    """
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR") or ""
    candidates = [os.path.join(runtime, "reflow")] if runtime and len(runtime) <= 60 else []
    candidates.append(os.path.join(tempfile.gettempdir(), f"reflow-{uid}"))
    for path in candidates:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
            continue  # a link, a file or another user's directory: never use it
        if stat.S_IMODE(st.st_mode) != 0o700:
            os.chmod(path, 0o700)
        return path
    raise OSError("no private directory for the single-instance socket (tried: " + ", ".join(candidates) + ")")


def encode_open(paths: list[str], cwd: str | None = None) -> bytes:
    cwd = cwd or os.getcwd()
    absolute = [str(Path(cwd, p).expanduser().resolve()) for p in paths]
    return (json.dumps({"v": PROTOCOL_VERSION, "cmd": "open", "paths": absolute}) + "\n").encode()


def decode_request(data: bytes) -> list[str]:
    """The paths to open (empty list = just show a window); ValueError on anything else."""
    if len(data) > MAX_MESSAGE:
        raise ValueError("message too long")
    msg = json.loads(data.decode("utf-8"))
    if not isinstance(msg, dict) or msg.get("cmd") != "open":
        raise ValueError("not an open request")
    paths = msg.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) and os.path.isabs(p) for p in paths):
        raise ValueError("paths must be a list of absolute paths")
    return paths


REPLY_OK = b'{"ok": true}\n'


def is_listening(name: str) -> bool:
    """Unix: does a live process accept on ``name``? (A busy app still accepts via the backlog.)"""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(name)
            return True
    except OSError:
        return False


def forward_to_running(name: str, paths: list[str], timeout: float = 2.0) -> bool:
    """Unix: hand ``paths`` to a running instance. False when none is listening."""
    if sys.platform == "win32":  # named pipes: done with QLocalSocket in instance.py
        raise NotImplementedError
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(name)
            s.sendall(encode_open(paths))
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(1024)
                if not chunk:
                    break
                reply += chunk
            return reply.strip() == REPLY_OK.strip()
    except (TimeoutError, FileNotFoundError, ConnectionRefusedError, OSError):
        return False
