"""Run a function right after a user's package is imported, whoever imports it.

The kernel never imports optional packages itself (ipywidgets, distributed): it waits for the
notebook to do so, then adapts the module. One meta-path finder per watched module.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any


class AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``then(module)`` right after ``name`` is executed; a failure is reported, never raised."""

    def __init__(self, name: str, then: Callable[[ModuleType], None], failed: str) -> None:
        self.name, self.then, self.failed = name, then, failed

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def exec_then(module: ModuleType) -> None:
            exec_module(module)
            try:
                self.then(module)
            except Exception as exc:  # the notebook keeps the plain package
                print(f"reflow: {self.failed}: {exc!r}", file=sys.__stderr__)

        loader.exec_module = exec_then  # type: ignore[method-assign]
        return spec


def after_import(name: str, then: Callable[[ModuleType], None], failed: str, finders: list[Any] | None = None) -> None:
    """``then(module)`` when (if ever) ``name`` is imported; at once if it already is. Installed once per name."""
    finders = sys.meta_path if finders is None else finders
    if not any(isinstance(f, AfterImport) and f.name == name for f in finders):
        finders.insert(0, AfterImport(name, then, failed))
    module = sys.modules.get(name)
    if module is not None:
        then(module)
