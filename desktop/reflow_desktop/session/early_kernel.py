"""A kernel started from a new environment while uv still installs the notebook's own packages.

Opening a notebook with new dependencies builds its environment (envs/build.py): a venv, ipykernel,
then ``uv sync`` of the notebook's packages. A kernel start (a Python process importing IPython and
ipykernel, the ZMQ handshake) takes 0.2-0.4 s; after the build it came on top of it. The build calls
back once ipykernel is installed (``kernel_early``), and this starts the kernel then, beside ``uv
sync``, as the kernel pool starts its kernels: from the environment's folder, marked pre-started,
without any notebook (it runs nothing until it is handed the notebook; ``reflow.kernel.prestart``).

The session's ``KernelProcess`` takes it at its start (``take``, its ``handover`` hook) only when the
build succeeded and says it may be used (no package the kernel may have imported was replaced) and
the start has no variables of its own (secrets) that this kernel would lack. The ``.pth`` files the
build added after it started go with the notebook, for the kernel to read (``open_extra``).
Everything else stops it: a failed build, a start that did not take it, the session closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from reflow_desktop.remote.place import LOCAL
from reflow_desktop.session.kernel import PREPARE_ONLY, PRESTARTED, KernelProcess

if TYPE_CHECKING:
    from jupyter_client.ioloop.manager import AsyncIOLoopKernelManager

    from reflow_desktop.envs import Environment

log = logging.getLogger(__name__)


class EarlyKernel:
    """At most one kernel, started when the build says so; an async context that never leaves it behind."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._kernel: KernelProcess | None = None
        self._starting: asyncio.Task[None] | None = None
        self._env: Environment | None = None
        self._closed = False
        self.taken = False

    async def __aenter__(self) -> EarlyKernel:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.shield(self.close())

    def start_from(self, python: Path) -> None:
        """The build's ``kernel_early`` callback (its worker thread): start a kernel from ``python`` now."""
        self._loop.call_soon_threadsafe(self._start, str(python))

    def _start(self, python: str) -> None:
        if self._closed or self._starting is not None:
            return
        folder = Path(python).parent.parent  # the environment's own folder: nothing of the notebook yet
        self._kernel = KernelProcess(
            lambda _event: None, lambda _state, _message: None, python=python, cwd=str(folder), env={PRESTARTED: "1"}
        )
        self._starting = asyncio.create_task(self._run(self._kernel))

    async def _run(self, kernel: KernelProcess) -> None:
        try:
            await kernel.start(PREPARE_ONLY)
        except Exception:  # the session's own start launches one, and says why if that fails too
            log.info("the early kernel did not start", exc_info=True)

    def built(self, env: Environment) -> None:
        """The build ended well: whether its kernel may be used, and what it must read."""
        self._env = env

    async def take(self, kp: KernelProcess) -> AsyncIOLoopKernelManager | None:
        """``KernelProcess.handover``: the started kernel for ``kp``, or None (``kp`` launches one)."""
        env, kernel = self._env, self._kernel
        if env is None or not env.early_kernel_usable or kernel is None or self._starting is None:
            return None
        if kp.python != kernel.python or kp.place != LOCAL or kp.extra_env:
            return None
        await asyncio.shield(self._starting)  # uv was quicker than the kernel: it is nearly up
        km = await kernel.give_away()
        self.taken = km is not None
        return km

    def open_extra(self) -> dict[str, Any]:
        """What the open message adds for the kernel taken: the ``.pth`` files installed after its start."""
        return {"added_pth": list(self._env.added_pth)} if self.taken and self._env is not None else {}

    async def close(self) -> None:
        """Stop the kernel unless it was taken (a start that is still going ends first)."""
        self._closed = True
        if self._starting is not None:
            with contextlib.suppress(BaseException):
                await self._starting
        if self._kernel is not None and not self.taken:
            with contextlib.suppress(Exception):
                await self._kernel.shutdown()
        self._kernel = None
