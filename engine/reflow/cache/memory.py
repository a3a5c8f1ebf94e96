"""``@reflow.cache``: functools.cache keyed by content, surviving re-runs of its cell.

Why not functools.cache: it lives on the function object, so every re-run of the
defining cell (which happens whenever anything upstream changes) starts empty, and
it keys on ``hash()``/``==``, which lists and arrays do not support. Here results
live in a module-level table keyed by the function's qualified name and *version*
(code + globals, ``functions.function_version``), and calls are keyed by the
content hash of their arguments. Re-running the cell with unchanged code finds the
same table; editing the function starts a new one (the last few versions per
function are kept so an undo finds its results again).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .functions import arguments_digest, function_version

VERSIONS_KEPT = 4

_lock = threading.RLock()
# (module, qualname) -> version digest -> args digest -> result
_tables: dict[tuple[str, str], OrderedDict[bytes, OrderedDict[bytes, Any]]] = {}


@dataclass(frozen=True)
class CacheInfo:
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


def _table(ident: tuple[str, str], version: bytes) -> OrderedDict[bytes, Any]:
    with _lock:
        versions = _tables.setdefault(ident, OrderedDict())
        table = versions.get(version)
        if table is None:
            table = versions[version] = OrderedDict()
            while len(versions) > VERSIONS_KEPT:
                versions.popitem(last=False)
        else:
            versions.move_to_end(version)
        return table


class CachedFunction:
    """The wrapper ``@reflow.cache`` returns; ``cache_info()``/``cache_clear()`` as functools."""

    def __init__(self, fn: Callable[..., Any], maxsize: int | None = None) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._maxsize = maxsize
        self._ident = (str(getattr(fn, "__module__", "")), str(getattr(fn, "__qualname__", repr(fn))))
        self._version = function_version(fn)
        self._hits = 0
        self._misses = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = arguments_digest(self._fn, args, kwargs)
        table = _table(self._ident, self._version)
        with _lock:
            if key in table:
                self._hits += 1
                table.move_to_end(key)
                return table[key]
        value = self._fn(*args, **kwargs)
        with _lock:
            self._misses += 1
            table[key] = value
            if self._maxsize is not None:
                while len(table) > self._maxsize:
                    table.popitem(last=False)
        return value

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        """Methods: the instance becomes an argument, hashed by content."""
        return self if obj is None else functools.partial(self, obj)

    def __reflow_hash__(self) -> bytes:
        return b"cached:" + repr(self._ident).encode() + self._version

    def __repr__(self) -> str:
        return f"<reflow.cache {self._ident[1]}>"

    def cache_info(self) -> CacheInfo:
        table = _table(self._ident, self._version)
        return CacheInfo(self._hits, self._misses, self._maxsize, len(table))

    def cache_clear(self) -> None:
        """Forget this function's results (every version)."""
        with _lock:
            _tables.pop(self._ident, None)


def cache(fn: Callable[..., Any] | None = None, *, maxsize: int | None = None) -> Any:
    """Memoise ``fn`` by argument content: ``@reflow.cache`` or ``@reflow.cache(maxsize=128)``."""
    if fn is None:
        return lambda f: CachedFunction(f, maxsize)
    if not callable(fn):
        raise TypeError("reflow.cache decorates a function: use @reflow.cache or @reflow.cache(maxsize=N)")
    return CachedFunction(fn, maxsize)


def clear_memory(module: str | None = None, qualnames: set[str] | None = None) -> int:
    """Forget in-memory results (all, or of the named functions); returns tables dropped."""
    with _lock:
        doomed = [k for k in _tables if (module is None or k[0] == module) and (qualnames is None or k[1] in qualnames)]
        for k in doomed:
            del _tables[k]
        return len(doomed)
