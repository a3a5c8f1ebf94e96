"""One notebook kernel: start, relay comm messages, interrupt, restart, notice death.

Wraps jupyter_client's AsyncIOLoopKernelManager + AsyncKernelClient (imported at the first
launch, off the event loop: ``kernel_jupyter.py``); the manager's
restarter reports the kernel's death (it never restarts on its own). The kernel runs
``python -m reflow.kernel`` with the repo's ``engine/`` on PYTHONPATH, so the
notebook's environment needs no copy of Reflow. Comm events from the kernel and
lifecycle changes are reported through two callbacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow_desktop import resources
from reflow_desktop.pids import pid_alive
from reflow_desktop.remote.place import LOCAL, Place, provisioner_stanza
from reflow_desktop.session.kernel_control import forget_connection_file, stop_kernel
from reflow_desktop.session.kernel_ready import fast_reconnect, wait_ready
from reflow_desktop.session.side_shell import SideShell

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.ioloop.manager import AsyncIOLoopKernelManager
    from jupyter_client.kernelspec import KernelSpec

COMM_TARGET = "reflow"
log = logging.getLogger(__name__)
# One SIGINT per busy spell, again only after this long: a second SIGINT landing while the kernel
# handles the first KeyboardInterrupt killed it (an interrupt storm: 50 clicks, a dead kernel).
INTERRUPT_AGAIN_S = 1.0
READY_TIMEOUT_S = 120.0
SILENT_STACKS_S = 20.0  # a starting kernel silent this long is asked for its threads' stacks (its stderr)


def engine_dir() -> Path:
    """The directory that holds the ``reflow`` engine package (repo ``engine/``)."""
    return resources.engine_dir()


_JUPYTER = "reflow_desktop.session.kernel_jupyter"


async def load_jupyter() -> None:
    """Import jupyter_client's part (``kernel_jupyter.py``) on a worker thread, the first time.

    The launch path serves the page before any kernel exists; importing jupyter_client on the event
    loop would hold the page's ``session`` message back by that import whenever it connects meanwhile.
    """
    if _JUPYTER not in sys.modules:
        await asyncio.to_thread(import_module, _JUPYTER)


def _request_content(method: str, code: str, cursor_pos: int, detail_level: int = 0) -> dict[str, Any]:
    """The content of a ``complete`` / ``inspect`` request (as jupyter_client's client builds it)."""
    content: dict[str, Any] = {"code": code, "cursor_pos": cursor_pos}
    if method == "inspect":
        content["detail_level"] = detail_level
    return content


def kernel_spec(python: str, place: Place = LOCAL, notebook: str | None = None) -> KernelSpec:
    """The reflow kernel's spec; a remote ``place`` names its jupyter_client provisioner in the metadata."""
    from jupyter_client.kernelspec import KernelSpec

    metadata: dict[str, Any] = {"debugger": False}
    if (stanza := provisioner_stanza(place, notebook)) is not None:
        metadata["kernel_provisioner"] = stanza
    return KernelSpec(
        argv=[python, "-m", "reflow.kernel", "-f", "{connection_file}"],
        display_name="Reflow",
        language="python",
        metadata=metadata,
        interrupt_mode="signal",
    )


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The app's environment with ``engine/`` first on PYTHONPATH."""
    env = dict(os.environ)
    paths = [str(engine_dir())] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.pop("JPY_PARENT_PID", None)
    if extra:
        env.update(extra)
    return env


EventCallback = Callable[[dict[str, Any]], None]
# The comm's open message, or how to build it: built once the kernel answers, so that edits made
# while it started (seconds, for a fresh environment) are in it.
OpenData = dict[str, Any] | Callable[[], dict[str, Any]]
StateCallback = Callable[[str, str | None], None]
# Pre-started kernels (session/kernel_pool.py): asked on every start for a started kernel to take instead
# of launching one; ``PREPARE_ONLY`` as the open data starts a kernel and stops before the comm opens.
prestarted: Callable[[KernelProcess], Awaitable[AsyncIOLoopKernelManager | None]] | None = None
PREPARE_ONLY: dict[str, Any] = {}
# The variable that marks a kernel started before its notebook is known (reflow.kernel.prestart.MARKER;
# the engine is not imported here): it starts in a neutral folder and moves when the notebook comes.
PRESTARTED = "REFLOW_KERNEL_PRESTARTED"
# Spare kernels another process left running (session/spare_kernel.py, `reflow edit`): asked next, for
# the connection file and pid of a started kernel to adopt instead of launching one.
spare: Callable[[KernelProcess], Awaitable[tuple[str, int] | None]] | None = None
SPARE_READY_S = 10.0  # a spare that does not answer by then is dropped, and a kernel launched


class KernelProcess:
    """A reflow kernel and the client connected to it."""

    def __init__(
        self,
        on_event: EventCallback,
        on_state: StateCallback,
        *,
        python: str | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        place: Place = LOCAL,
        notebook: str | None = None,
    ) -> None:
        self.on_event = on_event
        self.on_state = on_state
        self.python = python or sys.executable
        self.cwd = cwd
        self.extra_env = env
        self.place = place  # where the kernel runs (remote/place.py); read at each start
        self.notebook = notebook  # its file: a remote place rebuilds that notebook's environment
        self.km: AsyncIOLoopKernelManager | None = None
        self.kc: AsyncKernelClient | None = None
        self.comm_id = ""
        self.state = "starting"
        self._tasks: list[asyncio.Task[None]] = []
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._side: SideShell | None = None  # completions and inspections: a subshell of the kernel
        self._stopping = False
        # start / restart / shutdown one at a time: overlapping restarts leaked kernel processes
        self._lifecycle = asyncio.Lock()
        self._interrupted_at: float | None = None  # loop time of the SIGINT not yet followed by "idle"
        # Jupyter widget comms (session/widget_comms.py): iopub comm traffic of comms other than
        # ``reflow``, and "the kernel is idle after this page message" (msg_id -> callback).
        self.on_widget_comm: Callable[[str, dict[str, Any], list[Any], str], None] | None = None
        self._idle_waiters: dict[str, Callable[[], None]] = {}
        # Runs that outlive the window (session/reattach.py): told once a kernel answers (the journal's
        # place, this app's pid); a kernel this process did not launch (its pid); comm events held
        # (with their journal numbers) while the journal is replayed.
        self.on_connected: Callable[[AsyncKernelClient], Awaitable[None]] | None = None
        self.adopted: int | None = None
        self.hold: list[tuple[object, dict[str, Any]]] | None = None
        # A kernel started for this one before the start (session/early_kernel.py): asked at the next
        # start, after the pool, then forgotten.
        self.handover: Callable[[KernelProcess], Awaitable[AsyncIOLoopKernelManager | None]] | None = None
        self._busy_waiters: dict[str, Callable[[], None]] = {}

    # --- lifecycle --------------------------------------------------------------------
    async def start(self, open_data: OpenData) -> None:
        """Start the process, wait until it answers, open the ``reflow`` comm."""
        async with self._lifecycle:
            await self._start(open_data)

    async def _start(self, open_data: OpenData) -> None:
        self._set_state("starting")
        handover, self.handover = self.handover, None
        for source in (prestarted, handover):  # kernel_pool.py, early_kernel.py
            if source is not None and (km := await source(self)) is not None:
                self.km = km
                self.km.add_restart_callback(self._on_died, "dead")
                await self._connect(open_data)
                return
        if spare is not None and (found := await spare(self)) is not None and await self._take_spare(*found, open_data):
            return
        await load_jupyter()
        from reflow_desktop.session.kernel_jupyter import manager

        self.km = manager(kernel_spec(self.python, self.place, self.notebook))
        if os.name == "posix":
            # Unix sockets in the user's private runtime dir: no TCP ports for other
            # local users to knock on, no port races.
            from jupyter_core.paths import jupyter_runtime_dir

            rdir = Path(jupyter_runtime_dir())
            rdir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.km.transport = "ipc"
            key = uuid.uuid4().hex[:12]
            self.km.ip = str(rdir / f"reflow-{key}")
            # the connection file there too (0600), not in /tmp: a run kept in the background is found by it
            self.km.connection_file = str(rdir / f"reflow-kernel-{key}.json")
        # independent (local): no JPY_PARENT_PID, so a run kept in the background outlives the app;
        # the kernel ends with the app unless cells run (reflow.kernel.background, REFLOW_APP_PID)
        local = {"independent": True} if self.place == LOCAL else {}
        env = self._launch_env()
        try:
            await self.km.start_kernel(env=env, cwd=self.cwd, **local)
        except Exception as exc:  # a provisioner that cannot launch (gateway refused, host down): said, not hung
            self._set_state("dead", f"The kernel failed to start: {exc}")
            raise
        # The restarter exists once the kernel started; it keeps its callbacks across restarts.
        self.km.add_restart_callback(self._on_died, "dead")
        await self._connect(open_data)

    async def give_away(self) -> AsyncIOLoopKernelManager | None:
        """This started kernel's manager for another ``KernelProcess`` to connect to (channels closed,
        no callbacks of this one left), or None when it is not running: it is this one's no more."""
        km, self.km = self.km, None
        if km is None:
            return None
        await self._disconnect()
        km.remove_restart_callback(self._on_died, "dead")
        if not await km.is_alive():
            with contextlib.suppress(Exception):
                await km.shutdown_kernel(now=True)
            return None
        return km

    async def _take_spare(self, connection_file: str, pid: int, open_data: OpenData) -> bool:
        """Connect to a spare kernel (started by an earlier launch for this interpreter) and give it the
        notebook; False (nothing left of it here, the spare stopped) when it does not answer."""
        await load_jupyter()
        from reflow_desktop.session.kernel_jupyter import manager

        self.km = manager(kernel_spec(self.python), connection_file=connection_file, owns_kernel=False)
        self.adopted = pid
        try:
            self.km.load_connection_file()
            await self._connect(open_data, ready_timeout=SPARE_READY_S)
        except Exception as exc:
            log.warning("spare kernel %s did not answer (%s); launching one", pid, exc)
            if self.kc is not None:
                with contextlib.suppress(Exception):
                    await stop_kernel(self.kc, pid)
            await self._disconnect()
            forget_connection_file(connection_file)
            self.km, self.adopted = None, None
            self._set_state("starting")
            return False
        self._tasks.append(asyncio.create_task(self._watch_adopted(pid)))
        return True

    def _launch_env(self) -> dict[str, str]:
        return kernel_env({**(self.extra_env or {}), "REFLOW_APP_PID": str(os.getpid())})

    async def _connect(self, open_data: OpenData, ready_timeout: float | None = None) -> None:
        """Wait for the kernel, then open the comm; ``ready_timeout`` (a spare): no answer raises, the
        kernel is not reported dead (another is launched instead)."""
        assert self.km is not None
        self.kc = kc = self.km.client()
        if self.place == LOCAL:  # a remote place's ports are tunnels: each retry would open an ssh channel
            fast_reconnect(kc)
        kc.start_channels()
        try:
            await self._wait_ready(kc, READY_TIMEOUT_S if ready_timeout is None else ready_timeout)
        except RuntimeError as exc:
            if ready_timeout is None:
                self._set_state("dead", f"The kernel failed to start: {exc}")
            raise
        if open_data is PREPARE_ONLY:  # a kernel for the pool: ready, its notebook comes when it is taken
            return
        if self.on_connected is not None:
            await self.on_connected(kc)
        self._stopping = False
        self._tasks = [asyncio.create_task(self._read_iopub()), asyncio.create_task(self._read_shell())]
        self.comm_id = uuid.uuid4().hex
        data = open_data() if callable(open_data) else open_data  # no await from here to "idle": nothing slips by
        self._send_shell("comm_open", {"comm_id": self.comm_id, "target_name": COMM_TARGET, "data": data})
        self._set_state("idle")

    async def _wait_ready(self, kc: AsyncKernelClient, timeout: float) -> None:
        """The kernel answers and iopub is live (kernel_ready.py); silent long, it is asked for its stacks."""

        async def alive() -> bool:
            if self.adopted is not None:
                return pid_alive(self.adopted)
            return self.km is not None and await self.km.is_alive()

        silent_s = min(SILENT_STACKS_S, timeout / 2)  # a spare's shorter wait too
        await wait_ready(kc, timeout, alive=alive, silent_s=silent_s, on_silent=lambda: self._ask_for_stacks(silent_s))

    def _ask_for_stacks(self, silent_s: float) -> None:
        """A kernel alive but silent: it prints its threads' stacks to its stderr (``reflow.kernel``'s
        SIGUSR1), so what it is stuck on is in the app's log. Only a process of this machine (a remote
        place's provisioner process is its ssh or gateway client, which the signal would end)."""
        pid = self.pid if self.adopted is not None or self.place == LOCAL else None
        signum = getattr(signal, "SIGUSR1", None)
        if pid is None or signum is None:
            return
        log.warning("the kernel (pid %s) has not answered for %.0f s; its threads' stacks follow", pid, silent_s)
        with contextlib.suppress(OSError):
            os.kill(pid, signum)

    async def _disconnect(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        self._tasks = []
        for fut in self._replies.values():
            if not fut.done():
                fut.cancel()
        self._replies.clear()
        self._idle_waiters.clear()
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None

    async def restart(self, open_data: OpenData) -> None:
        """Kill and restart the process (works on a dead kernel too), reopen the comm.

        Restarts asked for while one runs wait their turn (each is a full restart, as asked).
        """
        async with self._lifecycle:
            if self.km is None:  # shut down while this restart waited: nothing to restart
                return
            if self.adopted is not None:  # not ours to restart in place: stop it, launch a fresh one
                self._set_state("restarting")
                await self._shutdown()
                await self._start(open_data)
                return
            self._set_state("restarting")
            await self._disconnect()
            # local: launched with the environment as it is now (secrets read again: secrets/), in the notebook's folder
            relaunch = {"env": self._launch_env(), "cwd": self.cwd} if self.place == LOCAL else {}
            try:
                await self.km.restart_kernel(now=True, **relaunch)
            except Exception as exc:
                self._set_state("dead", f"The kernel failed to restart: {exc}")
                raise
            await self._connect(open_data)

    async def interrupt(self) -> None:
        """SIGINT the kernel; repeats before it went idle (or within ``INTERRUPT_AGAIN_S``) are one."""
        if self.km is None or self.state == "dead":
            return
        now = asyncio.get_running_loop().time()
        if self._interrupted_at is not None and now - self._interrupted_at < INTERRUPT_AGAIN_S:
            return
        self._interrupted_at = now
        if self.adopted is not None:  # what jupyter_client's signal interrupt does, for a kernel it did not launch
            with contextlib.suppress(OSError):
                os.killpg(os.getpgid(self.adopted), signal.SIGINT)
            return
        await self.km.interrupt_kernel()

    async def shutdown(self) -> None:
        async with self._lifecycle:
            await self._shutdown()

    async def _shutdown(self) -> None:
        if self.adopted is not None and self.kc is not None:
            await stop_kernel(self.kc, self.adopted)
        await self._disconnect()
        if self.adopted is not None and self.km is not None:
            forget_connection_file(self.km.connection_file)
            self.km = None
        self.adopted = None
        if self.km is not None:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception:
                pass
            if self.km.transport == "ipc":  # jupyter_client leaves the socket files behind
                for sock in Path(self.km.ip).parent.glob(Path(self.km.ip).name + "-*"):
                    sock.unlink(missing_ok=True)
            self.km = None

    async def adopt(
        self, connection_file: str, pid: int, handshake: Callable[[AsyncKernelClient], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """Connect to a kernel that is already running (a run kept in the background) instead of launching.

        ``handshake`` (session/reattach.py) runs with the channels up and this process's readers
        started; comm events are held in ``hold`` until the caller replays the journal and lets go.
        Returns the kernel's attach reply (comm id, cells, the last journal number on disk).
        """
        async with self._lifecycle:
            self._set_state("starting")
            await load_jupyter()
            from reflow_desktop.session.kernel_jupyter import manager

            self.km = manager(kernel_spec(self.python), connection_file=connection_file)
            self.km.load_connection_file()
            self.adopted = pid
            self.kc = kc = self.km.client()
            kc.start_channels()
            self.hold = []
            self._stopping = False
            self._tasks = [
                asyncio.create_task(self._read_iopub()),
                asyncio.create_task(self._read_shell()),
                asyncio.create_task(self._watch_adopted(pid)),
            ]
            try:
                reply = await handshake(kc)
            except Exception:
                self.hold = None
                await self._disconnect()
                self.adopted, self.km = None, None
                raise
            self.comm_id = str(reply.get("comm_id") or "")
            self._set_state("busy" if reply.get("busy") else "idle")
            return reply

    async def release(self) -> None:
        """Let go of the kernel without stopping it (kept running in the background): channels closed."""
        async with self._lifecycle:
            if self.km is not None and self.adopted is None:
                self.km.stop_restarter()
                self.km._connection_file_written = False  # its __del__ must not delete what the kernel still uses
            await self._disconnect()
            self.km, self.adopted, self.hold = None, None, None
            self.state = "dead"  # for this process; no callback: the cells it runs are not interrupted

    async def _watch_adopted(self, pid: int) -> None:
        """jupyter_client's restarter watches only kernels it launched: look at the adopted one's pid."""
        while pid_alive(pid):
            await asyncio.sleep(0.25)
        self._on_died()

    def on_busy(self, msg_id: str, callback: Callable[[], None]) -> None:
        """``callback`` once iopub brings "busy" for the request ``msg_id``: this client hears what follows it."""
        self._busy_waiters[msg_id] = callback

    @property
    def pid(self) -> int | None:
        if self.adopted is not None:
            return self.adopted
        prov = getattr(self.km, "provisioner", None)
        proc = getattr(prov, "process", None)
        return getattr(proc, "pid", None)

    # --- requests ----------------------------------------------------------------------
    @property
    def starting(self) -> bool:
        """Not answering yet (its open message, built at the end, will carry the notebook as it is then)."""
        return self.state in ("starting", "restarting")

    def send_comm(self, data: dict[str, Any]) -> None:
        if self.kc is None or self.state == "dead":
            raise RuntimeError("the kernel is not running")
        if self.starting:  # a comm message before the comm is open would be dropped without a word
            raise RuntimeError("the kernel is still starting")
        self._send_shell("comm_msg", {"comm_id": self.comm_id, "data": data})

    def send_widget_comm(
        self,
        comm_id: str,
        data: dict[str, Any],
        buffers: list[bytes],
        on_idle: Callable[[], None],
        msg_id: str | None = None,
    ) -> None:
        """A page's message to a widget comm; ``on_idle`` runs once the kernel has handled it.

        ``msg_id`` (the page's request id) becomes the Jupyter message id, so the kernel's echoes of
        it name it as their parent and the page's widget model recognises its own echo.
        """
        if self.kc is None or self.state == "dead" or self.starting:
            raise RuntimeError("the kernel is not running")
        header = self.kc.session.msg_header("comm_msg")
        if msg_id:
            header["msg_id"] = msg_id
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data}, header=header)
        if buffers:
            msg["buffers"] = buffers
        self._idle_waiters[msg["header"]["msg_id"]] = on_idle
        self.kc.shell_channel.send(msg)

    async def request(self, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """A shell request (complete, inspect) answered with its reply content.

        Not while the kernel starts: until it answers, its client's channels belong to the start (the
        ready check reads shell and iopub, the journal attach reads control), and a reply read there
        was lost to the request waiting for it (a completion typed during a restart hung)."""
        if self.kc is None or self.state == "dead" or self.starting:
            raise RuntimeError("the kernel is not running")
        if self._side is None or self._side.kc is not self.kc:  # a new client (restart): a new subshell
            self._side = SideShell(self.kc)
        # on a kernel subshell (side_shell.py): a completion never waits for a run, nor a run for it
        msg_id = await self._side.request(f"{method}_request", _request_content(method, *args, **kwargs))
        if self.kc is None or self.state == "dead":
            raise RuntimeError("the kernel is not running")
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[msg_id] = fut
        try:
            return await fut
        finally:
            self._replies.pop(msg_id, None)

    def _send_shell(self, msg_type: str, content: dict[str, Any]) -> None:
        assert self.kc is not None
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)

    # --- readers ------------------------------------------------------------------------
    async def _read_iopub(self) -> None:
        kc = self.kc
        assert kc is not None
        while True:
            msg = await kc.get_iopub_msg()
            mtype = msg["header"]["msg_type"]
            content = msg["content"]
            seq = (msg.get("metadata") or {}).get("reflow_seq") if mtype == "comm_msg" else None
            if self.hold is not None and seq is not None:  # reattaching: the comm's id is not known yet
                self.hold.append((seq, content))  # kept, with its journal number, until the replay is done
            elif mtype == "comm_msg" and content.get("comm_id") == self.comm_id:
                self.on_event(content.get("data") or {})
            elif mtype in ("comm_open", "comm_msg", "comm_close") and content.get("comm_id") != self.comm_id:
                if self.on_widget_comm is not None:
                    try:
                        parent = str((msg.get("parent_header") or {}).get("msg_id") or "")
                        # the widget protocol version travels in the message's metadata
                        with_meta = {**content, "metadata": msg.get("metadata") or {}}
                        self.on_widget_comm(mtype, with_meta, msg.get("buffers") or [], parent)
                    except Exception:  # a malformed widget message must not stop the reader
                        log.exception("widget comm relay failed")
            if mtype == "status" and content.get("execution_state") == "idle" and self._idle_waiters:
                waiter = self._idle_waiters.pop(msg.get("parent_header", {}).get("msg_id", ""), None)
                if waiter is not None:
                    waiter()
            parent_type = (msg.get("parent_header") or {}).get("msg_type", "")
            if mtype == "status" and self._busy_waiters and content.get("execution_state") == "busy":
                seen = self._busy_waiters.pop(msg.get("parent_header", {}).get("msg_id", ""), None)
                if seen is not None:
                    seen()
            if mtype == "status" and self.state in ("idle", "busy") and not parent_type.startswith("reflow_"):
                state = content.get("execution_state")
                if state == "idle" or (state == "busy" and self.state == "idle"):
                    self._interrupted_at = None  # handled, or a new busy spell: the next interrupt is a new one
                if state in ("idle", "busy") and state != self.state:
                    self._set_state(state)

    async def _read_shell(self) -> None:
        kc = self.kc
        assert kc is not None
        while True:
            msg = await kc.get_shell_msg()
            parent = msg.get("parent_header", {}).get("msg_id")
            fut = self._replies.get(parent)
            if fut is not None and not fut.done():
                fut.set_result(msg["content"])

    def _on_died(self) -> None:
        """jupyter_client's restarter saw the process gone: report it dead once."""
        if self._stopping or self.km is None:
            return
        code = None
        prov = getattr(self.km, "provisioner", None)
        proc = getattr(prov, "process", None)
        if proc is not None:
            code = proc.poll()
        detail = f" (exit code {code})" if code is not None else ""
        said = f"The kernel died{detail}."
        if reason := getattr(prov, "exit_reason", None):  # a remote provisioner knows why (remote/gateway.py)
            said = str(reason)
        self._set_state("dead", f"{said} Your code is safe; restart the kernel to continue.")
        for fut in self._replies.values():
            if not fut.done():
                fut.set_exception(RuntimeError("the kernel died"))

    def _set_state(self, state: str, message: str | None = None) -> None:
        self.state = state
        self.on_state(state, message)
