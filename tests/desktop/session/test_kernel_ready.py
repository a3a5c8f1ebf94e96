"""The start's handshake with a kernel (session/kernel_ready.py), against a scripted kernel process.

The scripted kernel speaks the Jupyter protocol over real ZMQ sockets (signed with jupyter_client's
``Session``) and loses the status of the first ``kernel_info`` on iopub, as a starting kernel does
when our subscription joins after it was published (the "slow joiner"): about every other real start.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
import zmq

from reflow_desktop.session.kernel import PREPARE_ONLY, KernelProcess
from reflow_desktop.session.kernel_ready import RECONNECT_IVL_MS

SCRIPTED_KERNEL = r"""
import json, sys
import zmq
from jupyter_client.session import Session

welcome, log = sys.argv[1] == "welcome", open(sys.argv[2], "a", buffering=1)
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
                if asked > 1:  # the first one's status was published before our subscriber joined
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


async def test_the_welcome_on_iopub_is_enough_once_the_first_status_is_lost(tmp_path: Path) -> None:
    """ipykernel 7 welcomes each subscriber: the kernel is ready after one request, where the start used
    to wait 0.2 s for a status that never came and ask again."""
    python, log = scripted_kernel(tmp_path, "welcome")
    kernel = await start(python, tmp_path)
    try:
        assert kernel.state == "starting"  # ready, stopped before the comm (PREPARE_ONLY)
        assert log.read_text().splitlines() == ["kernel_info"]
    finally:
        await kernel.shutdown()


async def test_a_kernel_without_the_welcome_is_asked_again(tmp_path: Path) -> None:
    """An older ipykernel (the notebook pins one): no welcome, so the start asks until a status arrives."""
    python, log = scripted_kernel(tmp_path, "plain")
    kernel = await start(python, tmp_path)
    try:
        assert log.read_text().splitlines() == ["kernel_info", "kernel_info"]
    finally:
        await kernel.shutdown()


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
