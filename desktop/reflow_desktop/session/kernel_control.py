"""Kernels this process did not launch: their connection files, their control channel, stopping them.

Shared by the kernel process wrapper (shutting down an adopted kernel) and the reattach code
(records, the attach handshake), so neither imports the other; ``next_message`` (reading a client's
channel up to the message one waits for) serves the start's handshake too (kernel_ready.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import signal
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow_desktop.pids import pid_alive

if TYPE_CHECKING:
    from jupyter_client.asynchronous.client import AsyncKernelClient

REQUEST_TIMEOUT_S = 10.0

# One request at a time per client: its control channel has one queue of replies, and each reader
# drops the replies that are not its own (two readers at once took each other's and both timed out).
_control_locks: weakref.WeakKeyDictionary[AsyncKernelClient, asyncio.Lock] = weakref.WeakKeyDictionary()


class ReattachError(RuntimeError):
    """The kernel named by a record did not answer as a Reflow kernel."""


def runtime_dir() -> Path:
    """Jupyter's per-user runtime dir (where connection files live), private to the user."""
    from jupyter_core.paths import jupyter_runtime_dir

    path = Path(jupyter_runtime_dir())
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def forget_connection_file(connection_file: str) -> None:
    """Remove a connection file of ours and the ipc sockets named after it."""
    cf = Path(connection_file)
    if cf.parent != runtime_dir():
        return
    info: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(cf.read_text(encoding="utf-8"))
    cf.unlink(missing_ok=True)
    ip = info.get("ip") if info.get("transport") == "ipc" else None
    if isinstance(ip, str) and Path(ip).parent == runtime_dir():
        for sock in Path(ip).parent.glob(Path(ip).name + "-*"):
            sock.unlink(missing_ok=True)


async def control_request(
    kc: AsyncKernelClient, msg_type: str, content: dict[str, Any], timeout: float = REQUEST_TIMEOUT_S
) -> dict[str, Any]:
    """Send ``msg_type`` on the control channel (answered even while a cell runs); the reply's content."""
    return await send_and_wait(kc, kc.session.msg(msg_type, content), timeout)


async def stop_kernel(kc: AsyncKernelClient, pid: int, timeout: float = 5.0) -> None:
    """Shut down a kernel this process did not launch: ask, then SIGKILL its process group if need be."""
    with contextlib.suppress(Exception):
        await control_request(kc, "shutdown_request", {"restart": False}, timeout=timeout)
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while pid_alive(pid) and loop.time() < end:
        await asyncio.sleep(0.05)
    if pid_alive(pid):
        with contextlib.suppress(OSError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)


def parent_id(msg: dict[str, Any]) -> object:
    """The id of the request a kernel message answers (None when it answers none)."""
    return (msg.get("parent_header") or {}).get("msg_id")


async def next_message(channel: Any, wanted: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any] | None:
    """The first ``wanted`` message on a client's ``channel`` within ``timeout`` (the others read and
    dropped), or None."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while (left := end - loop.time()) > 0:
        try:
            msg: dict[str, Any] = await channel.get_msg(timeout=left)
        except queue.Empty:
            return None
        if wanted(msg):
            return msg
    return None


async def send_and_wait(
    kc: AsyncKernelClient, msg: dict[str, Any], timeout: float = REQUEST_TIMEOUT_S
) -> dict[str, Any]:
    """Send ``msg`` on the control channel; the content of the reply to it. Every control request of
    this process goes through here: one at a time per client, ``timeout`` counting the wait for a turn."""
    msg_id = msg["header"]["msg_id"]
    what = msg["header"]["msg_type"]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    lock = _control_locks.setdefault(kc, asyncio.Lock())
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except TimeoutError as exc:
        raise ReattachError(f"the kernel did not answer {what} (another control request held the channel)") from exc
    try:
        kc.control_channel.send(msg)
        try:
            reply = await next_message(kc.control_channel, lambda m: parent_id(m) == msg_id, end - loop.time())
        except Exception as exc:  # a channel that broke: as no answer
            raise ReattachError(f"the kernel did not answer {what}") from exc
        if reply is None:
            raise ReattachError(f"the kernel did not answer {what}")
        return dict(reply.get("content") or {})
    finally:
        lock.release()
