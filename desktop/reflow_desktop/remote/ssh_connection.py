"""One SSH ControlMaster connection to a host, driven through the system ``ssh`` client.

The system client (not paramiko) so the user's OpenSSH config, agent, keys, ProxyJump and known
hosts just work. Every command, file copy and port forward after the first login is multiplexed
over the master (``-S control-socket``): no new authentication, a round trip of a few ms.
``ssh_config`` (or ``$REFLOW_SSH_CONFIG``) names another config file (``-F``): tests use a
throwaway one so the user's ``~/.ssh`` is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 60.0
Progress = Callable[[str], None]


class SshError(RuntimeError):
    """An ssh command failed; the message carries ssh's (or the remote command's) own text."""


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def ssh_binary() -> str:
    found = shutil.which("ssh")
    if found is None:
        raise SshError("the OpenSSH client (ssh) was not found on PATH")
    return found


def config_file(explicit: str | None = None) -> str | None:
    """The OpenSSH config to read instead of the user's (``-F``), if any."""
    return explicit or os.environ.get("REFLOW_SSH_CONFIG") or None


async def resolve(host: str, ssh_config: str | None = None) -> dict[str, str]:
    """``ssh -G host``: the options OpenSSH would use (hostname, user, port...), lower-case keys."""
    args = [ssh_binary(), *(["-F", ssh_config] if ssh_config else []), "-G", "--", host]
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise SshError(f"ssh -G {host} failed: {err.decode(errors='replace').strip()}")
    options: dict[str, str] = {}
    for line in out.decode(errors="replace").splitlines():
        key, _, value = line.partition(" ")
        options.setdefault(key.lower(), value)
    return options


class SshConnection:
    """A master connection to ``host``; ``open()`` logs in once, ``close()`` ends it."""

    def __init__(self, host: str, ssh_config: str | None = None) -> None:
        self.host = host
        self.ssh_config = config_file(ssh_config)
        # a short private directory: the control socket path must fit a sockaddr_un (~104 bytes)
        self._dir = Path(tempfile.mkdtemp(prefix="rf-ssh-"))
        self.control_path = str(self._dir / "cm")
        self._master: asyncio.subprocess.Process | None = None
        self.options: dict[str, str] = {}

    def base_args(self) -> list[str]:
        args = [ssh_binary()]
        if self.ssh_config:
            args += ["-F", self.ssh_config]
        return [*args, "-S", self.control_path, "-o", "BatchMode=yes"]

    @property
    def is_open(self) -> bool:
        return self._master is not None and self._master.returncode is None

    async def open(self) -> None:
        """Start the master (``ssh -M -N``) and wait until its control socket answers."""
        if self.is_open:
            return
        self._dir.mkdir(mode=0o700, exist_ok=True)
        self.options = await resolve(self.host, self.ssh_config)
        args = [
            *self.base_args(),
            "-M",
            "-N",
            "-o",
            "ControlPersist=no",
            "-o",
            "StreamLocalBindUnlink=yes",
            "-o",
            "ServerAliveInterval=15",
            "--",
            self.host,
        ]
        self._master = master = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CONNECT_TIMEOUT_S
        while True:
            check = await self._control("check")
            if check.returncode == 0:
                return
            if master.returncode is not None or loop.time() > deadline:
                err = b""
                if master.stderr is not None:
                    with contextlib.suppress(Exception):
                        err = await asyncio.wait_for(master.stderr.read(), 5)
                await self.close()
                raise SshError(f"could not connect to {self.host}: {err.decode(errors='replace').strip() or 'timeout'}")
            await asyncio.sleep(0.05)

    async def _control(self, command: str, *extra: str) -> Result:
        proc = await asyncio.create_subprocess_exec(
            *self.base_args(),
            "-O",
            command,
            *extra,
            "--",
            self.host,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return Result(proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace"))

    def remote_argv(self, script: str, *args: str) -> list[str]:
        """The local argv running ``script`` with ``sh`` on the host (``$1``... = ``args``)."""
        command = "sh -c " + shlex.quote(script) + " sh " + " ".join(shlex.quote(a) for a in args)
        return [*self.base_args(), "--", self.host, command]

    async def run(
        self,
        script: str,
        *args: str,
        stdin: bytes | None = None,
        check: bool = True,
        progress: Progress | None = None,
    ) -> Result:
        """Run ``script`` remotely; ``progress`` gets each stderr line as it comes; SshError if it fails."""
        proc = await asyncio.create_subprocess_exec(
            *self.remote_argv(script, *args),
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        err_lines: list[str] = []

        async def read_err() -> None:
            assert proc.stderr is not None
            async for raw in proc.stderr:
                line = raw.decode(errors="replace").rstrip("\n")
                err_lines.append(line)
                if progress is not None:
                    progress(line)

        async def feed() -> None:
            if stdin is not None:
                assert proc.stdin is not None
                proc.stdin.write(stdin)
                with contextlib.suppress(ConnectionError):
                    await proc.stdin.drain()
                proc.stdin.close()

        assert proc.stdout is not None
        out, _, _ = await asyncio.gather(proc.stdout.read(), read_err(), feed())
        await proc.wait()
        result = Result(proc.returncode or 0, out.decode(errors="replace"), "\n".join(err_lines))
        if check and result.returncode != 0:
            detail = result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}"
            raise SshError(f"on {self.host}: {detail}")
        return result

    async def spawn(self, script: str, *args: str) -> asyncio.subprocess.Process:
        """A long-running remote command (its stdout piped), e.g. a process watcher."""
        return await asyncio.create_subprocess_exec(
            *self.remote_argv(script, *args),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def forward(self, local: str, remote: str) -> None:
        """``-L local:remote`` over the master (a local socket path or port → a remote socket path)."""
        result = await self._control("forward", "-L", f"{local}:{remote}")
        if result.returncode != 0:
            raise SshError(f"forwarding {local} to {self.host}:{remote} failed: {result.stderr.strip()}")

    async def cancel_forward(self, local: str, remote: str) -> None:
        await self._control("cancel", "-L", f"{local}:{remote}")

    async def close(self) -> None:
        """End the master (and every forward over it); idempotent."""
        master, self._master = self._master, None
        if master is not None and master.returncode is None:
            await self._control("exit")
            try:
                await asyncio.wait_for(master.wait(), 10)
            except TimeoutError:
                master.kill()
                await master.wait()
        shutil.rmtree(self._dir, ignore_errors=True)
