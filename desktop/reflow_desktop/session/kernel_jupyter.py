"""jupyter_client's side of ``session/kernel.py``: the kernel manager with our one kernelspec and a death watch.

jupyter_client (with pyzmq, traitlets, jupyter_core and dateutil) is most of a tenth of a second of
imports, and nothing of it is needed to serve the page and its ``session`` message (the outputs saved
in ``__reflow__/`` are shown before the kernel is up). ``kernel.py`` therefore loads this module when
a kernel is first launched or adopted, in a worker thread (``kernel.load_jupyter``), so the server's
event loop keeps answering the page meanwhile.
"""

from __future__ import annotations

from typing import Any

from jupyter_client.ioloop.manager import AsyncIOLoopKernelManager
from jupyter_client.ioloop.restarter import AsyncIOLoopKernelRestarter
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from traitlets import Float, Integer

__all__ = ["AsyncIOLoopKernelManager", "KernelSpec", "manager"]


class _SpecManager(KernelSpecManager):
    """Hands out our one in-memory kernelspec instead of searching Jupyter dirs."""

    def __init__(self, spec: KernelSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self._spec


class _DeathWatch(AsyncIOLoopKernelRestarter):
    """jupyter_client's restarter, told to report death instead of restarting.

    With ``restart_limit = 0`` the first failed liveness check fires the ``dead``
    callbacks and stops watching; the user decides when to restart.
    """

    time_to_dead = Float(0.25)
    restart_limit = Integer(0)


def manager(
    spec: KernelSpec, *, connection_file: str | None = None, owns_kernel: bool = True
) -> AsyncIOLoopKernelManager:
    """A manager for the kernel ``spec`` describes: to launch (it reports death, never restarts) or,
    with ``connection_file``, to adopt a kernel already running (``owns_kernel=False``: its client
    waits for the kernel's answers instead of asking this manager whether it launched a live process)."""
    if connection_file is not None:
        return AsyncIOLoopKernelManager(
            kernel_name="reflow",
            kernel_spec_manager=_SpecManager(spec),
            connection_file=connection_file,
            owns_kernel=owns_kernel,
        )
    return AsyncIOLoopKernelManager(
        kernel_name="reflow", kernel_spec_manager=_SpecManager(spec), autorestart=True, restarter_class=_DeathWatch
    )
