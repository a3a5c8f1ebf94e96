"""A warm kernel per recently used environment, handed to the next notebook that opens with it.

A kernel start costs most of a second (a Python process importing IPython and ipykernel, then the
ZMQ handshake), and opening a notebook waits for it. The desktop app keeps one started, idle
kernel for each of the few environments (interpreters) used last; the next ``KernelProcess`` that
starts with that interpreter takes it instead of launching one, so it only has to connect.

Correctness: a pre-started kernel runs nothing before it is taken; the notebook (cells, ``__file__``,
trust-filtered code) arrives in the comm's open message exactly as for any kernel. What a process
fixes at its start is the same for every kernel of one interpreter (the app's environment and
``engine/`` on PYTHONPATH: ``kernel.kernel_env``), except the working folder: the pooled kernel
starts in its environment's folder and moves into the notebook's folder when the notebook arrives
(``reflow.kernel.prestart``). Only local kernels with no extra environment variables are served.
The pool fills itself only after the app has been quiet for ``IDLE_S`` (opening a notebook is not
slowed by a spare kernel starting beside it), and stops its kernels when the app stops. At the same
moment it has the environment's remaining packages byte-compiled at idle priority
(``envs.bytecode.compile_in_background``), so a notebook's ``import pandas`` stops compiling pandas.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from pathlib import Path

from jupyter_client.ioloop.manager import AsyncIOLoopKernelManager

from reflow_desktop.envs import bytecode
from reflow_desktop.remote.place import LOCAL
from reflow_desktop.session import kernel as kernel_module
from reflow_desktop.session.kernel import PREPARE_ONLY, PRESTARTED, KernelProcess

log = logging.getLogger(__name__)
SIZE = 2  # environments kept warm: one idle kernel each (~50 MB)
IDLE_S = 2.0  # quiet time after the last kernel start before the pool starts one


class KernelPool:
    """Warm kernels by interpreter path; ``take`` is the hook ``KernelProcess`` calls on every start."""

    def __init__(self, size: int = SIZE, idle_s: float = IDLE_S) -> None:
        self.size = size
        self.idle_s = idle_s
        self._recent: OrderedDict[str, None] = OrderedDict()  # most recent last
        self._warm: dict[str, KernelProcess] = {}  # ready, not yet handed out
        self._starting: dict[str, asyncio.Task[None]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._changed = asyncio.Event()  # set (and replaced) whenever a fill or a start ends

    def _tell(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    @staticmethod
    def serves(kp: KernelProcess) -> bool:
        """Only kernels a pooled one can stand in for: local, no extra variables of their own."""
        return kp.place == LOCAL and not kp.extra_env and getattr(kp, "adopted", None) is None

    async def take(self, kp: KernelProcess) -> AsyncIOLoopKernelManager | None:
        """A started kernel for ``kp``'s interpreter (its manager, channels closed), or None: launch one."""
        if self._closed or not self.serves(kp):
            return None
        self._note_used(kp.python)
        warm = self._warm.pop(kp.python, None)
        return None if warm is None else await warm.give_away()

    def warm_pythons(self) -> list[str]:
        """Interpreters with a kernel ready to hand out (tests, benchmarks)."""
        return list(self._warm)

    async def wait_filled(self, python: str) -> bool:
        """Until the pool has a kernel for ``python`` or stopped trying (tests, benchmarks); True when it has."""
        while not self._closed and python not in self._warm:
            if python not in self._starting and (self._timer is None or python not in self._recent):
                return False
            changed = self._changed
            await changed.wait()
        return python in self._warm

    def _note_used(self, python: str) -> None:
        self._recent.pop(python, None)
        self._recent[python] = None
        while len(self._recent) > self.size:
            old, _ = self._recent.popitem(last=False)
            self._discard(old)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.idle_s, self._fill)

    def _fill(self) -> None:
        self._timer = None
        for python in list(self._recent):
            if python not in self._warm and python not in self._starting and Path(python).exists():
                self._starting[python] = asyncio.create_task(self._start_one(python))
            with contextlib.suppress(OSError):  # the notebook's packages, at idle priority, once (envs/bytecode.py)
                bytecode.compile_in_background(Path(python).parent.parent)
        self._tell()

    async def _start_one(self, python: str) -> None:
        folder = Path(python).parent.parent  # the environment's own folder: nothing of any notebook
        kp = KernelProcess(
            lambda _event: None, self._on_state(python), python=python, cwd=str(folder), env={PRESTARTED: "1"}
        )
        try:
            await kp.start(PREPARE_ONLY)
        except BaseException as exc:  # cancelled (the pool closes) or failed: never leave the process behind
            if not isinstance(exc, asyncio.CancelledError):
                log.info("the kernel pool could not start a kernel for %s", python, exc_info=True)
            await asyncio.shield(_stop(kp))
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        finally:
            self._starting.pop(python, None)
            self._tell()
        if self._closed or python not in self._recent or python in self._warm:
            await _stop(kp)
        else:
            self._warm[python] = kp
        self._tell()

    def _on_state(self, python: str) -> kernel_module.StateCallback:
        def on_state(state: str, message: str | None) -> None:
            if state == "dead":
                warm = self._warm.get(python)
                if warm is not None and warm.state == "dead":
                    self._warm.pop(python, None)

        return on_state

    def _discard(self, python: str) -> None:
        warm = self._warm.pop(python, None)
        if warm is not None:
            asyncio.get_running_loop().create_task(_stop(warm))

    async def close(self) -> None:
        """Stop every warm kernel and the compiles it started (the app stops)."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        for task in list(self._starting.values()):
            task.cancel()
        await asyncio.gather(*self._starting.values(), return_exceptions=True)
        warm, self._warm = list(self._warm.values()), {}
        await asyncio.gather(*(_stop(kp) for kp in warm), return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(None, bytecode.stop_background)  # its env may go next


async def _stop(kp: KernelProcess) -> None:
    with contextlib.suppress(Exception):
        await kp.shutdown()


def install(pool: KernelPool | None) -> None:
    """Make every ``KernelProcess`` start ask ``pool`` first (None: launch as before)."""
    kernel_module.prestarted = pool.take if pool is not None else None
