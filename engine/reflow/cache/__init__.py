"""Caching that knows the dataflow graph: ``reflow.cache`` and ``reflow.persistent_cache``.

User API (also reachable as ``reflow.cache``, ``reflow.persistent_cache``,
``reflow.clear_cache``):

* ``@reflow.cache`` -- in-memory memoisation keyed by argument *content*; survives
  re-runs of the defining cell while its code is unchanged (``memory``).
* ``with reflow.persistent_cache("name"):`` at the top level of a cell -- on a hit
  the block's variables are restored and its body skipped (``blocks``);
  ``@reflow.persistent_cache`` for functions (``persistent``). Entries live in
  ``__reflow__/cache/<name>/<key>.pkl`` beside the notebook (``store``).
* ``reflow.clear_cache()`` -- forget everything (or one persistent name).

Modules: ``hashing`` (content hashes), ``codehash`` (code digests), ``keys``,
``functions`` (function versions), ``store`` (files, LRU), ``settings`` (where),
``cleanup`` (clear per cell / notebook).

This package is itself callable (``@reflow.cache``): ``reflow.cache`` must be both
the decorator and this package, because Python binds a subpackage as an attribute
of its parent. Submodules load lazily so the runtime can import ``settings`` cheaply.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_LAZY = {
    "cache": ("memory", "cache"),
    "CachedFunction": ("memory", "CachedFunction"),
    "persistent_cache": ("persistent", "persistent_cache"),
    "PersistentCache": ("persistent", "PersistentCache"),
    "UnhashableInputError": ("errors", "UnhashableInputError"),
    "content_hash": ("hashing", "content_hash"),
    "CacheStore": ("store", "CacheStore"),
}

__all__ = [
    "CacheStore",
    "CachedFunction",
    "PersistentCache",
    "UnhashableInputError",
    "cache",
    "clear_cache",
    "content_hash",
    "persistent_cache",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def clear_cache(name: str | None = None) -> int:
    """Forget cached results: all of them, or the persistent cache ``name``.

    Acts on the notebook currently running (or ``__reflow__/cache`` here); returns
    how many entries were deleted from disk.
    """
    from . import settings
    from .memory import clear_memory
    from .store import CacheStore

    root, _ = settings.resolve()
    if name is None:
        clear_memory()
        return CacheStore(root).clear()
    return CacheStore(root).clear(name)


class _CallableModule(types.ModuleType):
    """Lets ``@reflow.cache`` work although ``reflow.cache`` is this package."""

    def __call__(self, fn: Any = None, **kwargs: Any) -> Any:
        from .memory import cache

        return cache(fn, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
