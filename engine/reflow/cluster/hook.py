"""Track Dask futures in any notebook that uses ``distributed``, not only through ``reflow.cluster.connect``.

The Reflow kernel installs this import hook at start: when (if ever) ``distributed.client`` is
imported, by ``from dask.distributed import Client`` or anything else, its ``Future`` is tracked
per cell (``tracking``) and the progress reporter starts. Nothing of Dask is imported before that.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from reflow.kernel.after_import import after_import

CLIENT_MODULE = "distributed.client"


def track(module: ModuleType) -> None:
    """Futures of ``module`` (distributed.client) belong to the cell run that made them."""
    from reflow.cluster import tracking
    from reflow.cluster.progress import REPORTER

    tracking.install(module.Future)
    REPORTER.start()


def install_import_hook(finders: list[Any] | None = None) -> None:
    """Track futures when (if ever) the notebook imports distributed; at once if it already did."""
    after_import(CLIENT_MODULE, track, "Dask futures are not tracked per cell", finders)
