"""Track Dask futures in any notebook that uses ``distributed``, not only through ``reflow.cluster.connect``.

The Reflow kernel installs this import hook at start: when (if ever) ``distributed.client`` is
imported, by ``from dask.distributed import Client`` or anything else, its ``Future`` is tracked
per cell (``tracking``) and the progress reporter starts. Nothing of Dask is imported before that.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

CLIENT_MODULE = "distributed.client"


def track(module: ModuleType) -> None:
    """Futures of ``module`` (distributed.client) belong to the cell run that made them."""
    from reflow.cluster import tracking
    from reflow.cluster.progress import REPORTER

    tracking.install(module.Future)
    REPORTER.start()


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``track`` right after ``distributed.client`` is imported (whoever imports it)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != CLIENT_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def exec_and_track(module: ModuleType) -> None:
            exec_module(module)
            try:
                track(module)
            except Exception as exc:  # the notebook keeps plain Dask
                print(f"reflow: Dask futures are not tracked per cell: {exc!r}", file=sys.__stderr__)

        loader.exec_module = exec_and_track  # type: ignore[method-assign]
        return spec


def install_import_hook(finders: list[Any] | None = None) -> None:
    """Track futures when (if ever) the notebook imports distributed; at once if it already did."""
    finders = sys.meta_path if finders is None else finders
    if not any(isinstance(f, _AfterImport) for f in finders):
        finders.insert(0, _AfterImport())
    module = sys.modules.get(CLIENT_MODULE)
    if module is not None:
        track(module)
