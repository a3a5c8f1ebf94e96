"""Where an agent finds the running app's MCP endpoint: one small private file per local server.

The endpoint's port and token are new at every launch, so the server writes them to
``<user data dir>/mcp/<pid>.json`` (created 0600, written beside and renamed in) when it starts
and removes the file when it stops; ``reflow mcp-url`` reads the live ones. This is how Jupyter
hands its servers' tokens to its own tools (runtime ``jpserver-*.json`` files): the token is
already this user's to have, the file is readable by this user only, and a file whose process
is gone is ignored and removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from reflow.notebook.atomic import atomic_write_text
from reflow_desktop.pids import pid_alive


@dataclass(frozen=True)
class Endpoint:
    """One running local server's MCP endpoint."""

    url: str
    token: str
    pid: int
    started: float

    @property
    def url_with_token(self) -> str:
        return f"{self.url}?token={self.token}"


def folder() -> Path:
    from reflow_desktop.recent import data_dir

    return data_dir() / "mcp"


def write(port: int, token: str) -> Path:
    """Record this process's endpoint (atomically, 0600); returns the file."""
    d = folder()
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = d / f"{os.getpid()}.json"
    record = {"url": f"http://127.0.0.1:{port}/mcp", "token": token, "pid": os.getpid(), "started": time.time()}
    atomic_write_text(target, json.dumps(record), mode=0o600)
    return target


def remove(path: Path, token: str) -> None:
    """Remove the record if it is still this server's (a later launch with the same pid keeps its own)."""
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("token") == token:
            path.unlink()


def running() -> list[Endpoint]:
    """The endpoints of local servers still running, newest first; records of dead processes are removed."""
    found = []
    d = folder()
    for path in d.glob("*.json") if d.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            endpoint = Endpoint(str(data["url"]), str(data["token"]), int(data["pid"]), float(data["started"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not ours to judge (half written, hand-edited): left alone
        if not pid_alive(endpoint.pid):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        found.append(endpoint)
    return sorted(found, key=lambda e: e.started, reverse=True)
