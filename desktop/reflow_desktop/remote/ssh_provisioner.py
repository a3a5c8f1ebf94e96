"""``reflow-ssh-provisioner``: jupyter_client launches the Reflow kernel on an SSH host.

Registered through the ``jupyter_client.kernel_provisioners`` entry point (pyproject.toml); the
kernelspec's ``kernel_provisioner`` stanza (``session/kernel.py`` from ``remote/place.py``) names it
with ``{"host": ..., "notebook": ...}``. Before the first launch it opens one ControlMaster
connection (``ssh_connection.py``), makes sure uv and this app's engine are there
(``ssh_deploy.py``) and builds the notebook's environment there (``ssh_env.py``). The kernel starts
detached (``nohup setsid``) so it outlives the SSH session; it binds Unix sockets in a private run
directory on the host, and each of the five channels is forwarded over the master to the local
socket (or port) the kernel manager chose, so the client connects as it would to a local kernel,
and no TCP port is opened on the host. Interrupt, terminate and kill are ``kill -SIG pid`` there;
a small watcher command (``kill -0`` every 0.2 s on the host) makes ``poll()`` local and cheap.
The notebook file, sidecar, UI and exports stay on this machine.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import signal
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase
from traitlets import Unicode

from reflow_desktop import resources
from reflow_desktop.remote.place import start_progress
from reflow_desktop.remote.ssh_connection import SshConnection, SshError
from reflow_desktop.remote.ssh_deploy import BASE_DIR, ensure_uv, remote_home, ship_engine
from reflow_desktop.remote.ssh_env import ensure_remote_environment

CHANNELS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
UNKNOWN_EXIT = 255  # the watcher ended without the kernel's exit status (connection lost)

# $1 run dir, $2 cwd, $3 engine dir, $4 the watcher's pid, $5.. the kernel command. Connection file on stdin.
_LAUNCH = """
set -e
RUN="$1"; CWD="$2"; ENGINE="$3"; APP="$4"; shift 4
umask 077
cat > "$RUN/kernel.json"
rm -f "$RUN"/k-*
cd "$CWD"
export PYTHONPATH="$ENGINE" PYDEVD_DISABLE_FILE_VALIDATION=1 REFLOW_APP_PID="$APP"
DETACH=""; command -v setsid >/dev/null 2>&1 && DETACH=setsid
nohup $DETACH "$1" -c "$SUPERVISE" "$RUN" "$@" </dev/null >"$RUN/kernel.log" 2>&1 &
i=0
while [ ! -s "$RUN/pid" ]; do i=$((i+1)); [ $i -gt 600 ] && { echo "no pid" >&2; exit 3; }; sleep 0.05; done
PID=$(cat "$RUN/pid")
i=0
while :; do
  ready=1; for n in 1 2 3 4 5; do [ -S "$RUN/k-$n" ] || ready=0; done
  [ $ready = 1 ] && break
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "the kernel exited while starting:" >&2; tail -n 40 "$RUN/kernel.log" >&2; exit 3
  fi
  i=$((i+1)); [ $i -gt 2400 ] && { echo "the kernel did not open its sockets" >&2; exit 3; }
  sleep 0.05
done
echo "$PID"
"""
# The kernel's parent on the host: records its pid and exit status. A shell starts background jobs
# with SIGINT ignored, which the kernel would inherit (no interrupt): give it SIGINT back first.
_SUPERVISE = """
import os, signal, subprocess, sys
run = sys.argv[1]
signal.signal(signal.SIGINT, signal.SIG_DFL)
kernel = subprocess.Popen(sys.argv[2:])
with open(run + "/pid.tmp", "w") as f:
    f.write(str(kernel.pid))
os.replace(run + "/pid.tmp", run + "/pid")
code = kernel.wait()
with open(run + "/exit", "w") as f:
    f.write(str(code))
"""
# Lives as long as this app's connection: its pid is the kernel's REFLOW_APP_PID on the host, so
# the kernel's own exit policy (reflow.kernel.background) applies as locally: the app gone, an idle
# kernel ends, a running one finishes and lingers for a reattach. Its heartbeat line is written
# into the SSH channel, so a lost connection kills it (SIGPIPE). It reports the kernel's exit.
_WATCH = """
RUN="$1"
mkdir -p "$RUN"; chmod 700 "$RUN"; rm -f "$RUN/pid" "$RUN/exit"
echo "$$"
n=0
while [ ! -s "$RUN/pid" ]; do n=$((n+1)); [ $n -gt 2400 ] && exit 3; sleep 0.05; done
PID=$(cat "$RUN/pid")
while kill -0 "$PID" 2>/dev/null; do sleep 0.2; n=$((n+1)); [ $((n % 5)) = 0 ] && echo; done
i=0; while [ ! -s "$RUN/exit" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done
echo "EXIT $(cat "$RUN/exit" 2>/dev/null)"
"""


class SshProvisioner(KernelProvisionerBase):
    """A Reflow kernel on ``host`` (an alias from the user's OpenSSH config)."""

    host = Unicode(help="the SSH host (an alias of the user's OpenSSH config)").tag(config=True)
    notebook = Unicode("", help="the local notebook whose environment is rebuilt there").tag(config=True)
    ssh_config = Unicode("", help="an OpenSSH config file to use instead of ~/.ssh/config").tag(config=True)
    remote_base = Unicode("", help="where uv, the engine and envs go there (default ~/.cache/reflow-remote)").tag(
        config=True
    )
    remote_cwd = Unicode("", help="the kernel's working directory there (default: the remote home)").tag(config=True)
    uv_install = Unicode("auto", help="how uv gets there when missing: auto, copy or pypi").tag(config=True)

    conn: SshConnection | None = None
    remote_pid: int | None = None
    run_dir = ""
    env_python = ""
    engine_path = ""
    home = ""
    _watcher: asyncio.subprocess.Process | None = None
    _exit: int | None = None
    _reported_exit: int | None = None
    _watch_task: asyncio.Task[None] | None = None
    _forwards: list[tuple[str, str]]

    @property
    def has_process(self) -> bool:
        return self.remote_pid is not None

    # --- launching ----------------------------------------------------------------------
    async def _prepare(self) -> None:
        """Master connection, uv, engine and environment: once per provisioner (restarts reuse them)."""
        if self.conn is None:
            self.conn = SshConnection(self.host, self.ssh_config or None)
        progress = start_progress.get() or self.log.info
        if not self.conn.is_open:
            progress(f"Connecting to {self.host}")
        await self.conn.open()
        if self.env_python:
            return
        self.home = await remote_home(self.conn)
        base = self.remote_base or f"{self.home}/{BASE_DIR}"
        uv = await ensure_uv(self.conn, base, self.uv_install, progress)
        self.engine_path = await ship_engine(self.conn, base, resources.engine_dir())
        if not self.notebook:
            raise SshError("the SSH provisioner needs the notebook's path (config 'notebook')")
        env = await ensure_remote_environment(self.conn, uv, base, Path(self.notebook), progress)
        self.env_python = env.python
        self.run_dir = f"{base}/run/{uuid.uuid4().hex[:12]}"
        progress(f"Starting the kernel on {self.host} (environment {env.key})")

    def _manager(self) -> KernelManager:
        km = self.parent
        if not isinstance(km, KernelManager):
            raise SshError("the SSH provisioner runs under a jupyter_client KernelManager")
        return km

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        await self._prepare()
        km = self._manager()
        km.write_connection_file()
        self.connection_info = km.get_connection_info()
        cmd = [self.env_python, "-m", "reflow.kernel", "-f", f"{self.run_dir}/kernel.json"]
        kwargs.pop("extra_arguments", None)
        result: dict[str, Any] = await super().pre_launch(cmd=cmd, **kwargs)
        return result

    def _remote_connection_file(self) -> bytes:
        info = self.connection_info
        key = info.get("key", b"")
        remote = {
            "transport": "ipc",
            "ip": f"{self.run_dir}/k",
            **{name: n for n, name in enumerate(CHANNELS, start=1)},
            "key": key.decode() if isinstance(key, bytes) else str(key),
            "signature_scheme": info.get("signature_scheme", "hmac-sha256"),
            "kernel_name": "reflow",
        }
        return json.dumps(remote).encode()

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        assert self.conn is not None
        cwd = self.remote_cwd or self.home
        self._exit = None
        self._watcher = watcher = await self.conn.spawn(_WATCH, self.run_dir)
        assert watcher.stdout is not None
        first = (await asyncio.wait_for(watcher.stdout.readline(), 60)).decode().strip()
        if not first.isdigit():
            raise SshError(f"{self.host}: could not start the kernel's watcher there ({first!r})")
        self._watch_task = asyncio.create_task(self._read_watcher(watcher))
        out = await self.conn.run(
            f"SUPERVISE={shlex.quote(_SUPERVISE)}\n{_LAUNCH}",
            self.run_dir,
            cwd,
            self.engine_path,
            first,
            *cmd,
            stdin=self._remote_connection_file(),
        )
        try:
            self.remote_pid = int(out.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            raise SshError(f"{self.host}: the kernel did not report its pid ({out.stdout.strip()!r})") from None
        await self._forward_channels()
        return self.connection_info

    async def _read_watcher(self, watcher: asyncio.subprocess.Process) -> None:
        """Drain the watcher's heartbeat; keep the kernel's exit status when it reports one."""
        assert watcher.stdout is not None
        async for raw in watcher.stdout:
            line = raw.decode(errors="replace").strip()
            if line.startswith("EXIT "):
                code = line.removeprefix("EXIT ").strip()
                self._reported_exit = int(code) if code.lstrip("-").isdigit() else UNKNOWN_EXIT

    async def _forward_channels(self) -> None:
        """Each channel's local socket (or port) → the kernel's socket on the host, over the master."""
        assert self.conn is not None
        km = self._manager()
        for local, remote in getattr(self, "_forwards", []):
            await self.conn.cancel_forward(local, remote)
        self._forwards = []
        info: dict[str, Any] = dict(self.connection_info)
        for n, name in enumerate(CHANNELS, start=1):
            port = info[name]
            local = f"{km.ip}-{port}" if km.transport == "ipc" else f"{km.ip}:{port}"
            remote = f"{self.run_dir}/k-{n}"
            await self.conn.forward(local, remote)
            self._forwards.append((local, remote))

    # --- the running kernel ----------------------------------------------------------------
    async def poll(self) -> int | None:
        if self._exit is not None:
            return self._exit
        watcher = self._watcher
        if watcher is None:
            return None if self.remote_pid is not None else 0
        if watcher.returncode is None:
            return None
        return await self._collect_exit(watcher)

    async def wait(self) -> int | None:
        watcher = self._watcher
        if watcher is None:
            return self._exit
        await watcher.wait()
        return await self._collect_exit(watcher)

    async def _collect_exit(self, watcher: asyncio.subprocess.Process) -> int:
        if self._exit is None:
            if self._watch_task is not None:
                await self._watch_task  # the pipe is at its end: the task is done reading
            self._exit = self._reported_exit if self._reported_exit is not None else UNKNOWN_EXIT
        return self._exit

    async def send_signal(self, signum: int) -> None:
        """``kill -INT|TERM|KILL pid`` on the host (by name: numbers differ between systems)."""
        if self.conn is None or self.remote_pid is None or self._exit is not None:
            return
        name = signal.Signals(signum).name.removeprefix("SIG")
        await self.conn.run(f'kill -{name} "$1" 2>/dev/null || true', str(self.remote_pid))

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        """After a stop: forget the process; unless restarting, remove the run dir and end the master."""
        if self._watcher is not None and self._watcher.returncode is None:
            self._watcher.kill()
            await self._watcher.wait()
        if self._watch_task is not None:
            self._watch_task.cancel()
        self._watcher = self._watch_task = None
        self._reported_exit = None
        self.remote_pid = None
        if restart or self.conn is None:
            return
        try:
            if self.run_dir and self.conn.is_open:
                await self.conn.run('rm -rf "$1"', self.run_dir, check=False)
        finally:
            self._forwards = []
            await self.conn.close()

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return recommended + 5.0  # a round trip per step

    async def get_provisioner_info(self) -> dict[str, Any]:
        info: dict[str, Any] = await super().get_provisioner_info()
        info.update({"host": self.host, "remote_pid": self.remote_pid, "run_dir": self.run_dir})
        return info
