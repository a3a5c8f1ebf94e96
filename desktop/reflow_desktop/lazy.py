"""A package's names imported from their modules on first use (PEP 562 ``__getattr__``).

Packages every launch or CLI start imports (``importing``, ``exporting``, ``sidecar``) re-export
names whose modules are heavy (IPython and nbformat, asyncio and the save manager, the engine's
graph): each is loaded when a caller first asks for one of its names, not with the package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: ``homes`` maps each name to its submodule (relative to ``package``)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{home}"), name)

    return __getattr__
