"""List and clean the environments in the cache (`reflow envs list|clean`).

An environment is *referenced* when a notebook that opened it still exists and
still maps to its key (same block, same lock, same interpreter). The check uses
only cached Python discovery, never uv; when it cannot tell, it says
"referenced" so cleaning errs on the side of keeping. Environments being built
or cleaned by another process (their key lock is held) are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from . import layout
from .key import environment_key
from .pythons import _PREFERENCE_VARS, CACHE_FILE, Interpreter, python_request
from .spec import read_spec

DAY = 86400.0
STALE_TMP_SECONDS = 3600.0


@dataclass
class EnvInfo:
    key: str
    path: Path
    size: int  # bytes, hard links counted once
    created: float | None
    last_used: float | None
    python_version: str | None
    dependencies: list[str]
    notebooks: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def last_activity(self) -> float:
        return self.last_used or self.created or _mtime(self.path)


def list_environments(cache_root: Path | None = None, *, with_size: bool = True) -> list[EnvInfo]:
    """Every environment directory (complete or not), most recently used first."""
    root = Path(cache_root) if cache_root is not None else layout.default_cache_root()
    base = layout.envs_dir(root)
    if not base.is_dir():
        return []
    infos = []
    for entry in sorted(base.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        marker = layout.read_json(entry / layout.MARKER)
        usage = layout.read_json(entry / layout.USAGE)
        infos.append(
            EnvInfo(
                key=entry.name,
                path=entry,
                size=dir_size(entry) if with_size else 0,
                created=marker.get("created"),
                last_used=usage.get("last_used"),
                python_version=marker.get("python_version"),
                dependencies=list(marker.get("dependencies") or []),
                notebooks=list(usage.get("notebooks") or ([marker["notebook"]] if marker.get("notebook") else [])),
                complete=layout.is_complete(entry),
            )
        )
    infos.sort(key=lambda i: i.last_activity, reverse=True)
    return infos


def is_referenced(info: EnvInfo, cache_root: Path) -> bool:
    """Does any notebook that used this environment still map to it? (Unknown → True.)"""
    discovery = layout.read_json(layout.envs_dir(cache_root) / CACHE_FILE)
    for name in info.notebooks:
        path = Path(name)
        if not path.is_file():
            continue
        try:
            spec = read_spec(path)
            request = python_request(spec.requires_python)
        except Exception:
            return True  # unreadable right now: keep
        cached = discovery.get(json.dumps([request] + [os.environ.get(v, "") for v in _PREFERENCE_VARS]))
        if not isinstance(cached, dict):
            return True
        try:
            interp = Interpreter(Path(cached["path"]), int(cached["size"]), int(cached["mtime_ns"]))
        except (KeyError, TypeError, ValueError):
            return True
        if environment_key(spec, interp) == info.key:
            return True
    return False


def clean(
    cache_root: Path | None = None,
    *,
    older_than_days: float | None = None,
    remove_all: bool = False,
    dry_run: bool = False,
    now: float | None = None,
) -> list[EnvInfo]:
    """Remove environments and return them.

    ``remove_all``: every environment. ``older_than_days``: those not used for that
    long. Neither: those no notebook references any more. Leftover build/trash
    directories older than an hour are always removed.
    """
    root = Path(cache_root) if cache_root is not None else layout.default_cache_root()
    now = time.time() if now is None else now
    removed = []
    for info in list_environments(root):
        if remove_all:
            doomed = True
        elif older_than_days is not None:
            doomed = now - info.last_activity > older_than_days * DAY
        else:
            doomed = not info.complete or not is_referenced(info, root)
        if not doomed:
            continue
        if dry_run:
            removed.append(info)
            continue
        lock = FileLock(layout.lock_path(root, info.key))
        try:
            lock.acquire(blocking=False)
        except Timeout:
            continue  # being built or cleaned right now
        try:
            if info.path.exists():
                trash = layout.trash_path(info.path)
                os.replace(info.path, trash)  # atomic: it is never seen half-deleted
                shutil.rmtree(trash, ignore_errors=True)
                removed.append(info)
        finally:
            lock.release()
    if not dry_run:
        _remove_leftovers(root, now)
    return removed


def _remove_leftovers(root: Path, now: float) -> None:
    """Temporary build dirs and trash from crashed processes."""
    base = layout.envs_dir(root)
    for entry in base.iterdir() if base.is_dir() else []:
        if entry.name.startswith((layout.TMP_PREFIX, layout.TRASH_PREFIX)) and entry.is_dir():
            if now - _mtime(entry) > STALE_TMP_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)


def dir_size(path: Path) -> int:
    """Total bytes of regular files, each inode once (uv hard-links from its cache)."""
    total, seen = 0, set()
    stack = [path]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                for entry in it:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        elif entry.is_file(follow_symlinks=False):
                            st = entry.stat(follow_symlinks=False)
                            ident = (st.st_dev, st.st_ino)
                            if ident not in seen:
                                seen.add(ident)
                                total += st.st_size
                    except OSError:
                        continue
        except OSError:
            continue
    return total


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
