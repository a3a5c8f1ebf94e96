"""A started kernel left for the next `reflow edit` of a notebook in the same environment (issue 21).

A fresh kernel costs about half a second before it answers (a Python process importing IPython and
ipykernel), so reopening a notebook showed its saved outputs at once but waited that long for its
kernel. The desktop app keeps warm kernels in-process (``kernel_pool.py``); a `reflow edit` process
ends with its notebook, so it leaves one instead: once its own kernel is up and idle for ``IDLE_S``,
it launches a spare kernel for the same interpreter and records it in the user's private runtime
dir; the next launch with that interpreter takes it (``kernel.spare``) and only connects.

Correctness, as for the pool: a spare runs nothing before it is taken; it starts in its
environment's folder and moves into the notebook's when the notebook arrives in the comm's open
message (``reflow.kernel.prestart``). What a process fixes at its start is its interpreter and its
environment variables: a spare is taken only by a launch whose kernel environment (``kernel_env``:
the user's variables, ``engine/`` on PYTHONPATH) is the same, hashed into the record. Kernels with
variables of their own (secrets) and kernels elsewhere never take one.

Lifetime: a spare outlives the process that made it by ``REFLOW_SPARE_LINGER_S`` (default ten
minutes; the kernel's side is ``reflow.kernel.background``), then exits by itself. Taken, it is the
notebook's kernel like any other (it ends with the app that took it). One spare per interpreter: a
launch that finds a spare it cannot use (another environment) stops it and leaves its own.
``REFLOW_KERNEL_POOL=0`` turns spares off, as it turns off the desktop app's pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow_desktop.pids import pid_alive
from reflow_desktop.remote.place import LOCAL
from reflow_desktop.session import kernel as kernel_module
from reflow_desktop.session.kernel import PREPARE_ONLY, PRESTARTED, KernelProcess, kernel_env, load_jupyter
from reflow_desktop.session.kernel_control import forget_connection_file, runtime_dir, stop_kernel

if TYPE_CHECKING:
    from reflow_desktop.session.session import Session

log = logging.getLogger(__name__)
IDLE_S = 2.0  # the session's kernel idle this long (its first run done) before the spare starts beside it
DEFAULT_LINGER_S = 600.0
LINGER = "REFLOW_SPARE_LINGER_S"  # reflow.kernel.background.SPARE_LINGER (the engine is not imported here)
MAX_RECORD_BYTES = 16 * 1024


def enabled() -> bool:
    return os.environ.get("REFLOW_KERNEL_POOL") != "0"


def linger_s() -> float:
    try:
        return max(0.0, float(os.environ.get(LINGER, "")))
    except ValueError:
        return DEFAULT_LINGER_S


def fingerprint(python: str) -> str:
    """What a kernel of ``python`` launched from this process is fixed with: interpreter and environment."""
    env = kernel_env()
    env.pop("REFLOW_APP_PID", None)  # a launch from inside a kernel: not the kernel's own
    data = json.dumps([python, sorted(env.items())])
    return hashlib.sha256(data.encode("utf-8", "surrogateescape")).hexdigest()


def record_path(python: str) -> Path:
    key = hashlib.sha256(python.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return runtime_dir() / f"reflow-spare-{key}.json"


@dataclass(frozen=True)
class Spare:
    """A recorded spare kernel: what connecting to it and telling it apart need."""

    python: str
    pid: int
    connection_file: str
    fingerprint: str

    @classmethod
    def read(cls, path: Path) -> Spare | None:
        """The record at ``path``, or None (absent, unreadable, not one of ours): read as hostile input."""
        try:
            if path.stat().st_size > MAX_RECORD_BYTES:
                return None
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        python, pid, cf, fp = (data.get(k) for k in ("python", "pid", "connection_file", "fingerprint"))
        if not (isinstance(python, str) and type(pid) is int and pid > 0 and isinstance(cf, str)):
            return None
        if not isinstance(fp, str) or Path(cf).parent != path.parent:  # its connection file beside it, private
            return None
        return cls(python, pid, cf, fp)

    @property
    def alive(self) -> bool:
        return pid_alive(self.pid) and Path(self.connection_file).is_file()

    def usable_by(self, python: str) -> bool:
        return self.python == python and self.fingerprint == fingerprint(python) and self.alive


def serves(kp: KernelProcess) -> bool:
    """Only kernels a spare can stand in for: local, no variables of their own, not adopted."""
    return kp.place == LOCAL and not kp.extra_env and kp.adopted is None


def _claim(python: str) -> tuple[str, int] | None:
    """The spare recorded for ``python``, if this launch may use it; its record is gone then (one taker)."""
    path = record_path(python)
    spare = Spare.read(path)
    if spare is None or not spare.usable_by(python):
        return None
    claimed = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        os.rename(path, claimed)  # atomic: of two launches at once, one gets it
    except OSError:
        return None
    again = Spare.read(claimed)
    claimed.unlink(missing_ok=True)
    if again is None or again != spare:  # replaced between the read and the rename
        return None
    return spare.connection_file, spare.pid


async def take(kp: KernelProcess) -> tuple[str, int] | None:
    """``kernel.spare``: the connection file and pid of a spare for ``kp``, or None (launch one)."""
    if not serves(kp):
        return None
    await load_jupyter()  # with jupyter_core: the runtime dir, off the event loop
    return await asyncio.to_thread(_claim, kp.python)


def install(on: bool = True) -> None:
    """Make every ``KernelProcess`` start look for a spare first (off: launch as before)."""
    kernel_module.spare = take if on else None


async def _stop(spare: Spare) -> None:
    """Stop a recorded spare this process did not launch (another environment's leftover)."""
    await load_jupyter()
    from jupyter_client.asynchronous.client import AsyncKernelClient

    kc = AsyncKernelClient()
    try:
        kc.load_connection_file(spare.connection_file)
        kc.start_channels()
        await stop_kernel(kc, spare.pid)
    except Exception:
        log.debug("stopping spare kernel %s", spare.pid, exc_info=True)
    finally:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    forget_connection_file(spare.connection_file)


async def make(python: str) -> Spare | None:
    """Launch a spare kernel for ``python`` and record it (None when it could not start); a usable one
    recorded already is kept, any other is stopped first."""
    await load_jupyter()
    path = record_path(python)
    old = Spare.read(path)
    if old is not None:
        if old.usable_by(python):
            return old
        path.unlink(missing_ok=True)
        if old.alive:
            await _stop(old)
    folder = Path(python).parent.parent  # the environment's own folder: nothing of any notebook
    kp = KernelProcess(
        lambda _event: None,
        lambda _state, _message: None,
        python=python,
        cwd=str(folder),
        env={PRESTARTED: "1", LINGER: str(linger_s())},
    )
    try:
        await kp.start(PREPARE_ONLY)
    except BaseException as exc:  # cancelled (the app stops) or failed: never leave the process behind
        with contextlib.suppress(Exception):
            await asyncio.shield(kp.shutdown())
        if isinstance(exc, asyncio.CancelledError):
            raise
        log.info("could not start a spare kernel for %s", python, exc_info=True)
        return None
    pid, cf = kp.pid, kp.km.connection_file if kp.km is not None else None
    if pid is None or not cf:
        await kp.shutdown()
        return None
    spare = Spare(python, pid, cf, fingerprint(python))
    from reflow.notebook.atomic import atomic_write_text

    atomic_write_text(path, json.dumps(spare.__dict__), mode=0o600)
    await kp.release()  # channels closed; the process and its connection file stay for the next launch
    return spare


async def keep_one(session: Session) -> Spare | None:
    """After a launch: once the session's kernel is up and idle for ``IDLE_S``, leave a spare for its
    interpreter (the next `reflow edit` of a notebook in this environment takes it)."""
    kernel = session.kernel
    while True:
        await asyncio.sleep(IDLE_S)
        if session.closed or kernel.state == "dead":
            return None
        if kernel.state == "idle":
            break
    if kernel.place != LOCAL or kernel.extra_env or not Path(kernel.python).exists() or linger_s() == 0:
        return None  # (a spare that ends with this process would serve no next launch)
    return await make(kernel.python)
