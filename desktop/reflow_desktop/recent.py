"""Recently opened notebooks, most recent first, kept in the user data dir.

Plain JSON (``recent.json``) so it survives app upgrades and can be inspected by
hand. Every write is atomic, so a crash while saving never loses the list, and a
corrupt or foreign file is treated as an empty list instead of stopping the app.
No Qt here: the welcome window and the Open Recent menu only render this.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from reflow.notebook.atomic import atomic_write_text

log = logging.getLogger(__name__)

MAX_RECENT = 20
FILE_NAME = "recent.json"


def data_dir() -> Path:
    """The per-user data dir; ``REFLOW_DATA_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("REFLOW_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("reflow", appauthor=False))


def _normalize(path: str | os.PathLike[str]) -> str:
    """One spelling per file, so reopening via a relative path or symlink does not duplicate."""
    return str(Path(path).expanduser().resolve())


@dataclass(frozen=True)
class RecentEntry:
    path: str
    opened: float  # time.time() of the last open

    @property
    def exists(self) -> bool:
        return Path(self.path).is_file()

    @property
    def name(self) -> str:
        return Path(self.path).name


def distinct_labels(paths: Sequence[str]) -> list[str]:
    """Menu labels for ``paths``: the file name, plus the shortest parent suffix that tells apart
    files sharing that name (``intro.py — work/demo`` vs ``intro.py — play/demo``), as editors do."""
    parents = [PurePath(p).parent.parts for p in paths]
    names = [PurePath(p).name for p in paths]
    labels: list[str] = []
    for i, name in enumerate(names):
        rivals = [parents[j] for j in range(len(paths)) if j != i and names[j] == name]
        if not rivals:
            labels.append(name)
            continue
        mine = parents[i]
        depth = 1
        while depth < len(mine) and any(r[-depth:] == mine[-depth:] for r in rivals):
            depth += 1
        labels.append(f"{name} — {_join_parts(mine[-depth:]) or paths[i]}")
    return labels


def _join_parts(parts: tuple[str, ...]) -> str:
    """``("/", "a")`` -> ``/a``; ``("a", "b")`` -> ``a/b`` (a suffix of a path's parent folders)."""
    if not parts:
        return ""
    return str(PurePath(*parts))


class RecentList:
    """The recent-notebooks file. Each mutation re-reads it first (another instance may have written)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, limit: int = MAX_RECENT) -> None:
        self.path = Path(path) if path is not None else data_dir() / FILE_NAME
        self.limit = limit

    def entries(self) -> list[RecentEntry]:
        """Most recent first; missing files are kept (the UI marks them) until removed."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable recent-notebooks file %s: %s", self.path, exc)
            return []
        items = raw.get("recent") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            log.warning("ignoring malformed recent-notebooks file %s", self.path)
            return []
        out: list[RecentEntry] = []
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            opened = item.get("opened")
            entry = RecentEntry(item["path"], float(opened) if isinstance(opened, (int, float)) else 0.0)
            if entry.path not in seen:
                seen.add(entry.path)
                out.append(entry)
        out.sort(key=lambda e: e.opened, reverse=True)
        return out[: self.limit]

    def paths(self) -> list[str]:
        return [e.path for e in self.entries()]

    def add(self, path: str | os.PathLike[str], when: float | None = None) -> list[RecentEntry]:
        """Record an open: move it to the front (no duplicates), cap the length."""
        norm = _normalize(path)
        now = time.time() if when is None else when
        # Keep strictly most-recent-first even if the clock goes backwards.
        current = [e for e in self.entries() if e.path != norm]
        if current and current[0].opened >= now:
            now = current[0].opened + 1e-6
        new = [RecentEntry(norm, now), *current][: self.limit]
        self._write(new)
        return new

    def remove(self, path: str | os.PathLike[str]) -> list[RecentEntry]:
        norm = _normalize(path)
        new = [e for e in self.entries() if e.path not in (norm, str(path))]
        self._write(new)
        return new

    def remove_missing(self) -> list[RecentEntry]:
        new = [e for e in self.entries() if e.exists]
        self._write(new)
        return new

    def clear(self) -> None:
        self._write([])

    def _write(self, entries: list[RecentEntry]) -> None:
        data = {"version": 1, "recent": [{"path": e.path, "opened": e.opened} for e in entries]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(data, indent=1) + "\n")
        except OSError as exc:  # a read-only home must not stop opening notebooks
            log.warning("could not save recent notebooks to %s: %s", self.path, exc)
