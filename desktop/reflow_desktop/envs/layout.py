"""Where environments live on disk, and the small files that describe them.

``<cache_root>/envs/<key>/`` is a complete environment if and only if its
marker file exists: the build writes it last (inside the temporary directory,
before the atomic rename; or in place, for a build whose kernel starts early).
``REFLOW_CACHE_DIR`` overrides the cache root (tests, benchmarks, users with a
small home partition).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

MARKER = ".reflow-env.json"
USAGE = ".reflow-used.json"
LOCKS = ".locks"
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
MAX_NOTEBOOKS = 50


def default_cache_root() -> Path:
    """``$REFLOW_CACHE_DIR`` or the platform's per-user cache dir for "reflow"."""
    override = os.environ.get("REFLOW_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("reflow", appauthor=False))


def envs_dir(cache_root: Path) -> Path:
    return cache_root / "envs"


def env_dir(cache_root: Path, key: str) -> Path:
    return envs_dir(cache_root) / key


def trash_path(env: Path) -> Path:
    """A fresh name beside ``env`` to rename it to before deleting it (never seen half-deleted); the
    leftovers of a crash are cleaned by name (``registry._remove_leftovers``)."""
    return env.parent / f"{TRASH_PREFIX}{env.name}-{uuid.uuid4().hex[:8]}"


def lock_path(cache_root: Path, key: str) -> Path:
    return envs_dir(cache_root) / LOCKS / f"{key}.lock"


def env_python(env: Path) -> Path:
    """The environment's interpreter (venv layout differs on Windows)."""
    if sys.platform == "win32":
        return env / "Scripts" / "python.exe"
    return env / "bin" / "python"


def is_complete(env: Path) -> bool:
    """Cheap check used on every open: marker written and interpreter link intact."""
    return (env / MARKER).is_file() and env_python(env).exists()


def read_json(path: Path) -> dict[str, Any]:
    """A small JSON file, or {} if missing or unreadable (these files are advisory)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomic so a concurrent reader never sees half a file."""
    from reflow.notebook.atomic import atomic_write_text

    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def record_use(env: Path, notebook: Path | None) -> None:
    """Remember when (and by which notebook) the environment was last opened, for `envs clean`."""
    usage = read_json(env / USAGE)
    notebooks = [n for n in usage.get("notebooks", []) if isinstance(n, str)]
    if notebook is not None:
        name = str(notebook)
        if name in notebooks:
            notebooks.remove(name)
        notebooks.insert(0, name)
    try:
        write_json(env / USAGE, {"last_used": time.time(), "notebooks": notebooks[:MAX_NOTEBOOKS]})
    except OSError:
        pass  # a read-only cache must not stop a notebook from opening
