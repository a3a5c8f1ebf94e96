"""Where the persistent cache lives and how big it may grow.

Resolution order for the cache root (why: the runtime knows the notebook, a bare
script only knows ``__file__``):

1. the root of the Runtime currently running cells (``active``): its ``cache_dir``,
   else the default below for its namespace;
2. ``REFLOW_PERSISTENT_CACHE_DIR`` from the environment (tests, CI, shared caches);
3. ``<dir of __file__>/__reflow__/cache`` (``__file__`` of the namespace);
4. ``./__reflow__/cache`` (the kernel's working directory is the notebook's).

The size limit: the runtime's ``cache_max_bytes``, else ``REFLOW_CACHE_MAX_BYTES``,
else 1 GiB.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SIDECAR = "__reflow__"
Provider = Callable[[], tuple[Path, int | None]]

_providers: list[Provider] = []


def root_for_file(path: str | os.PathLike[str]) -> Path:
    """The cache root beside a notebook file."""
    return Path(os.path.abspath(os.fspath(path))).parent / SIDECAR / "cache"


@contextmanager
def active(provider: Provider) -> Iterator[None]:
    """Make ``provider`` (the running Runtime) the source of root and size limit."""
    _providers.append(provider)
    try:
        yield
    finally:
        _providers.remove(provider)


def resolve(namespace: dict[str, Any] | None = None) -> tuple[Path, int | None]:
    """(root, max_bytes) for a cache used from ``namespace`` (function globals)."""
    max_bytes = _env_max_bytes()
    if _providers:
        root, limit = _providers[-1]()
        return root, limit if limit is not None else max_bytes
    return default_root(namespace), max_bytes


def default_root(namespace: dict[str, Any] | None = None) -> Path:
    """Steps 2-4 of the module doc."""
    env = os.environ.get("REFLOW_PERSISTENT_CACHE_DIR")
    if env:
        return Path(env)
    file = (namespace or {}).get("__file__")
    if isinstance(file, str) and file:
        return root_for_file(file)
    return Path.cwd() / SIDECAR / "cache"


def _env_max_bytes() -> int | None:
    text = os.environ.get("REFLOW_CACHE_MAX_BYTES", "").strip()
    try:
        return int(text) if text else None
    except ValueError:
        return None
