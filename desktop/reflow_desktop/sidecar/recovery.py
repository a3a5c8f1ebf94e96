"""Recovery files: a notebook with no file of its own (or one we must not overwrite) is
autosaved under ``<user data dir>/recovery/`` so a crash loses nothing.

Each entry is ``<key>.py`` (the notebook text, atomic writes) plus ``<key>.json``
(who wrote it and for what). An entry whose writer process is gone is
*recoverable*: the app offers it back on the next start. A clean close discards
the entry (the text then lives in the real file). ``REFLOW_DATA_DIR`` overrides
the data dir (tests, portable installs), like the recent-files list.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reflow.notebook import atomic_write_text
from reflow_desktop.pids import pid_alive


def recovery_dir() -> Path:
    """``platformdirs.user_data_dir("reflow")/recovery`` (or ``$REFLOW_DATA_DIR/recovery``)."""
    override = os.environ.get("REFLOW_DATA_DIR")
    if override:
        return Path(override) / "recovery"
    import platformdirs

    return Path(platformdirs.user_data_dir("reflow", appauthor=False)) / "recovery"


@dataclass
class RecoveryEntry:
    """One recoverable notebook text."""

    key: str
    path: Path  # the .py text
    origin: str | None  # the notebook path it belongs to, None for a never-saved notebook
    name: str  # what to call it in the UI
    saved_at: float  # epoch seconds of the last autosave
    pid: int
    host: str
    reason: str  # "unsaved" | "conflict"

    @property
    def orphaned(self) -> bool:
        """Its writer is gone (crashed or killed): offer it back."""
        return self.host != socket.gethostname() or not pid_alive(self.pid)

    def read_text(self) -> str:
        return self.path.read_text(encoding="utf-8")


class RecoveryFile:
    """The recovery slot of one open notebook; ``save`` on every debounced autosave."""

    def __init__(
        self,
        *,
        origin: str | os.PathLike[str] | None = None,
        name: str = "Untitled",
        reason: str = "unsaved",
        directory: Path | None = None,
        key: str | None = None,
    ) -> None:
        self.dir = directory or recovery_dir()
        self.key = key or f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
        self.origin = str(origin) if origin is not None else None
        self.name = name
        self.reason = reason
        self.text_path = self.dir / f"{self.key}.py"
        self.meta_path = self.dir / f"{self.key}.json"

    def save(self, text: str) -> None:
        """Atomically store the text (then the metadata). Raises OSError."""
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.text_path, text)
        meta = {
            "version": 1,
            "origin": self.origin,
            "name": self.name,
            "reason": self.reason,
            "saved_at": time.time(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
        atomic_write_text(self.meta_path, json.dumps(meta))

    def discard(self) -> None:
        discard(self.key, self.dir)


def list_recoverable(directory: Path | None = None, *, include_live: bool = False) -> list[RecoveryEntry]:
    """Entries to offer back, newest first: those whose writing process is gone.

    Never raises; a broken metadata file still yields its text (name from the key).
    """
    d = directory or recovery_dir()
    try:
        texts = sorted(p for p in d.iterdir() if p.suffix == ".py" and not p.name.startswith("."))
    except OSError:
        return []
    entries: list[RecoveryEntry] = []
    for text in texts:
        meta: dict[str, Any] = {}  # hostile JSON: every value is type-checked below
        try:
            loaded = json.loads(text.with_suffix(".json").read_text(encoding="utf-8"))
            meta = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError, RecursionError):
            pass
        try:
            mtime = text.stat().st_mtime
        except OSError:
            continue
        origin = meta.get("origin")
        entry = RecoveryEntry(
            key=text.stem,
            path=text,
            origin=origin if isinstance(origin, str) else None,
            name=str(meta.get("name") or text.stem),
            saved_at=float(meta["saved_at"]) if isinstance(meta.get("saved_at"), (int, float)) else mtime,
            pid=int(meta["pid"]) if isinstance(meta.get("pid"), int) else -1,
            host=str(meta.get("host") or socket.gethostname()),
            reason=str(meta.get("reason") or "unsaved"),
        )
        if include_live or entry.orphaned:
            entries.append(entry)
    entries.sort(key=lambda e: e.saved_at, reverse=True)
    return entries


def discard(key: str, directory: Path | None = None) -> None:
    """Delete one entry (both files); missing files are fine."""
    d = directory or recovery_dir()
    if "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(f"bad recovery key {key!r}")
    for suffix in (".py", ".json"):
        try:
            (d / f"{key}{suffix}").unlink()
        except FileNotFoundError:
            pass
