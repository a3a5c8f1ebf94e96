"""The start's handshake with a kernel (session/kernel_ready.py).

Against a scripted kernel process: it speaks the Jupyter protocol over real ZMQ sockets (signed with
jupyter_client's ``Session``) and, in most modes, loses the status of the first ``kernel_info`` on
iopub, as a starting kernel does when our subscription joins after it was published (the "slow
joiner"): about every other real start. The waits themselves against a scripted client in memory.
"""

from __future__ import annotations

import collections
import queue
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import zmq
from helpers import WAIT

from reflow_desktop.session.kernel import PREPARE_ONLY, KernelProcess
from reflow_desktop.session.kernel_ready import RECONNECT_IVL_MS, wait_ready

SCRIPTED_KERNEL = r"""
import json, sys
import zmq
from jupyter_client.session import Session

mode, log = sys.argv[1], open(sys.argv[2], "a", buffering=1)
welcome, lose_first = mode.startswith("welcome"), not mode.endswith("-all")
info = json.load(open(sys.argv[-1]))
session = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
ctx = zmq.Context()
def url(name):
    if info["transport"] == "ipc":
        return f"ipc://{info['ip']}-{info[name]}"
    return f"tcp://{info['ip']}:{info[name]}"
shell, control, stdin = (ctx.socket(zmq.ROUTER) for _ in range(3))
iopub, hb = ctx.socket(zmq.XPUB), ctx.socket(zmq.REP)
for sock, name in ((shell, "shell_port"), (control, "control_port"), (stdin, "stdin_port"),
                   (iopub, "iopub_port"), (hb, "hb_port")):
    sock.bind(url(name))
poller = zmq.Poller()
for sock in (shell, control, iopub, hb):
    poller.register(sock, zmq.POLLIN)
asked = 0
while True:
    for sock, _ in poller.poll():
        if sock is hb:
            hb.send(hb.recv())
        elif sock is iopub:
            if iopub.recv()[:1] == b"\x01" and welcome:  # a subscription: ipykernel 7 welcomes it
                session.send(iopub, "iopub_welcome", {"subscription": ""})
        else:
            idents, msg = session.recv(sock, copy=True)
            kind = msg["header"]["msg_type"]
            if kind == "kernel_info_request":
                asked += 1
                log.write("kernel_info\n")
                session.send(sock, "kernel_info_reply", {"status": "ok", "protocol_version": "5.3"},
                             parent=msg, ident=idents)
                if asked > 1 or not lose_first:  # the first one's status went out before our subscriber joined
                    for state in ("busy", "idle"):
                        session.send(iopub, "status", {"execution_state": state}, parent=msg)
            elif kind == "shutdown_request":
                session.send(sock, "shutdown_reply", {"status": "ok", "restart": False}, parent=msg, ident=idents)
                sys.exit(0)
"""


def scripted_kernel(tmp_path: Path, mode: str) -> tuple[str, Path]:
    """A stand-in for an environment's ``python``: runs the scripted kernel; the file it logs requests to."""
    script, log = tmp_path / "kernel.py", tmp_path / "requests.log"
    script.write_text(SCRIPTED_KERNEL, encoding="utf-8")
    python = tmp_path / "python"
    command = " ".join(shlex.quote(part) for part in (sys.executable, str(script), mode, str(log)))
    python.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
    python.chmod(0o755)
    return str(python), log


async def start(python: str, cwd: Path) -> KernelProcess:
    kernel = KernelProcess(lambda e: None, lambda s, m: None, python=python, cwd=str(cwd))
    await kernel.start(PREPARE_ONLY)
    return kernel


async def statuses_after_ready(kernel: KernelProcess) -> list[str]:
    """The parents of the statuses iopub delivers after the start, up to a new request's ``idle``
    (the kernel answers in order: anything left of the handshake comes before it)."""
    assert kernel.kc is not None
    probe = kernel.kc.kernel_info()
    parents = []
    while True:
        msg = await kernel.kc.iopub_channel.get_msg(timeout=WAIT)
        if msg["header"]["msg_type"] == "status":
            parents.append("probe" if msg["parent_header"].get("msg_id") == probe else "handshake")
            if parents[-1] == "probe" and msg["content"]["execution_state"] == "idle":
                return parents


@pytest.mark.parametrize("mode", ["welcome", "welcome-all", "plain"])
async def test_nothing_of_the_handshake_arrives_after_ready(tmp_path: Path, mode: str) -> None:
    """A ``busy`` of the handshake read after the start set the session's kernel busy (CI caught one):
    ready is the latest request's ``idle``, so every status of the handshake came before it. Kernels:
    ipykernel 7 losing the first status to the slow joiner, or not losing it, and an older one."""
    python, log = scripted_kernel(tmp_path, mode)
    kernel = await start(python, tmp_path)
    try:
        assert kernel.state == "starting"  # ready, stopped before the comm (PREPARE_ONLY)
        assert await statuses_after_ready(kernel) == ["probe", "probe"]
        requests = log.read_text().splitlines()
        assert set(requests) == {"kernel_info"}
        if mode == "welcome-all":  # one request when its status came before the welcome, else asked again
            assert len(requests) >= 2  # the probe too
        else:  # the first status lost: asked again (at the welcome, or after the wait)
            assert len(requests) >= 3  # the probe too
    finally:
        await kernel.shutdown()


class ScriptedClient:
    """In memory, a starting ipykernel 7 as the client sees it: the first request's status is lost,
    the welcome comes instead, later requests' statuses come. Records each wait that ran out."""

    def __init__(self) -> None:
        self.shell_channel, self.iopub_channel = _Channel(self), _Channel(self)
        self.requests: list[str] = []
        self.ran_out = 0

    def kernel_info(self) -> str:
        msg_id = f"ki{len(self.requests) + 1}"
        self.requests.append(msg_id)
        self.shell_channel.put(_msg("kernel_info_reply", msg_id))
        if len(self.requests) == 1:
            self.iopub_channel.put(_msg("iopub_welcome", None))
        else:
            self.iopub_channel.put(_msg("status", msg_id, execution_state="busy"))
            self.iopub_channel.put(_msg("status", msg_id, execution_state="idle"))
        return msg_id


class _Channel:
    def __init__(self, client: ScriptedClient) -> None:
        self.client, self.messages = client, collections.deque[dict[str, Any]]()

    def put(self, msg: dict[str, Any]) -> None:
        self.messages.append(msg)

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        if not self.messages:
            if timeout:  # a wait for something that never comes: it would run out
                self.client.ran_out += 1
            raise queue.Empty
        return self.messages.popleft()


def _msg(kind: str, parent: str | None, **content: Any) -> dict[str, Any]:
    return {"header": {"msg_type": kind}, "parent_header": {"msg_id": parent} if parent else {}, "content": content}


async def test_the_welcome_makes_the_start_ask_again_at_once() -> None:
    """The start used to wait 0.2 s for the lost status, then ask again."""
    kc = ScriptedClient()

    async def alive() -> bool:
        return True

    await wait_ready(kc, WAIT, alive=alive, silent_s=WAIT, on_silent=lambda: None)  # type: ignore[arg-type]
    assert kc.requests == ["ki1", "ki2"] and kc.ran_out == 0
    assert not kc.iopub_channel.messages  # what iopub held is dropped


@pytest.mark.parametrize("channel", ["shell_channel", "iopub_channel", "control_channel"])
async def test_the_client_retries_a_refused_connect_every_10_ms(tmp_path: Path, channel: str) -> None:
    """The client connects before the kernel binds: ZMQ's default 100 ms between retries delayed the
    first request by up to that much."""
    python, _log = scripted_kernel(tmp_path, "welcome")
    kernel = await start(python, tmp_path)
    try:
        assert kernel.kc is not None
        assert getattr(kernel.kc, channel).socket.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_IVL_MS == 10
    finally:
        await kernel.shutdown()
