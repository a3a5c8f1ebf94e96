"""``reflow.persistent_cache``: results on disk beside the notebook, across sessions.

Two forms:

* ``with reflow.persistent_cache("name"):`` as a top-level statement of a cell.
  The runtime's executor recognises it (``blocks``) and runs it as
  check-key -> restore-the-block's-variables-or-run-the-body itself, so no tracing
  is needed. Anywhere else (nested in a function, a plain ``python nb.py`` run)
  the block simply runs: correct, just not cached.
* ``@reflow.persistent_cache`` / ``@reflow.persistent_cache("name")`` on a function:
  results keyed by the function's version (``functions``) and its arguments' content.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import settings
from .functions import arguments_digest, function_version
from .keys import digest_key
from .store import CacheStore, CacheWriteError


class PersistentCache:
    """A named persistent cache; a context manager (see module doc) and a decorator."""

    def __init__(
        self, name: str | None = None, *, save_path: str | Path | None = None, max_bytes: int | None = None
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"persistent_cache name must be a string, not {type(name).__name__}")
        self.name = name
        self.save_path = Path(save_path) if save_path is not None else None
        self.max_bytes = max_bytes

    def store(self, namespace: dict[str, Any] | None = None) -> CacheStore:
        """The store this cache writes to (explicit save_path, else the notebook's)."""
        root, limit = settings.resolve(namespace)
        return CacheStore(self.save_path or root, self.max_bytes if self.max_bytes is not None else limit)

    # Outside a runtime-managed top-level block the body just runs.
    def __enter__(self) -> PersistentCache:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, fn: Callable[..., Any]) -> PersistentFunction:
        return PersistentFunction(fn, self)

    def __repr__(self) -> str:
        return f"reflow.persistent_cache({self.name!r})"


class PersistentFunction:
    """A function whose results are kept on disk, keyed by version + argument content."""

    def __init__(self, fn: Callable[..., Any], config: PersistentCache) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._config = config
        self._name = config.name or str(getattr(fn, "__qualname__", "function"))
        self._version = function_version(fn)
        self.hits = 0
        self.misses = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = digest_key(b"function", self._version, arguments_digest(self._fn, args, kwargs))
        store = self._config.store(getattr(self._fn, "__globals__", None))
        entry = store.load(self._name, key)
        if entry is not None:
            self.hits += 1
            return entry.value
        start = time.perf_counter()
        value = self._fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
        self.misses += 1
        try:
            store.save(
                self._name, key, value, seconds=elapsed, meta={"function": getattr(self._fn, "__qualname__", "")}
            )
        except CacheWriteError:
            pass  # an unpicklable result is returned, just not kept
        return value

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        return self if obj is None else functools.partial(self, obj)

    def __reflow_hash__(self) -> bytes:
        return b"persistent:" + self._name.encode() + self._version

    def cache_clear(self) -> int:
        """Delete this function's entries on disk."""
        return self._config.store(getattr(self._fn, "__globals__", None)).clear(self._name)


def persistent_cache(
    name: str | Callable[..., Any] | None = None, *, save_path: str | Path | None = None, max_bytes: int | None = None
) -> Any:
    """``with persistent_cache("name"):``, ``@persistent_cache`` or ``@persistent_cache("name")``."""
    if callable(name):
        return PersistentFunction(name, PersistentCache(None, save_path=save_path, max_bytes=max_bytes))
    return PersistentCache(name, save_path=save_path, max_bytes=max_bytes)
