"""reflow.cluster.connect(ssh=[...]) in a real Reflow kernel: a real SSHCluster whose scheduler and
worker are started over SSH (the tests' OpenSSH server on 127.0.0.1, tests/helpers.py) with this
kernel's own Python, so the workers run the notebook's environment."""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import SshTestHost, ssh_available, ssh_test_host

pytest.importorskip("asyncssh")  # distributed's SSH deployment uses it


@pytest.fixture(scope="module")
def sshd() -> Iterator[SshTestHost]:
    if not ssh_available():
        pytest.skip("OpenSSH server (/usr/sbin/sshd) is not installed")
    with ssh_test_host() as server:
        yield server


async def test_ssh_cluster_workers_run_the_notebooks_python(kernel: Any, sshd: SshTestHost) -> None:
    options = {
        "port": sshd.port,
        "username": os.environ.get("USER") or "root",
        "client_keys": [str(sshd.root / "client_key")],
        "known_hosts": None,
    }
    code = (
        "import os, sys, reflow\n"
        f"client = reflow.cluster.connect(ssh=['127.0.0.1', '127.0.0.1'], connect_options={options!r},\n"
        "    scheduler_options={'port': 0, 'dashboard_address': None}, worker_options={'nthreads': 1})\n"
        "def where():\n"
        "    return sys.executable, 'SSH_CONNECTION' in os.environ, os.getpid()\n"
        "remote = client.submit(where, pure=False).result()\n"
        "(remote, sys.executable, os.getpid())"
    )
    try:
        await kernel.open([("a", code)])
        outs = kernel.outputs("a")
        assert outs, kernel.since(0)
        (python, over_ssh, worker_pid), kernel_python, kernel_pid = ast.literal_eval(outs[-1]["data"]["text/plain"])
        assert python == kernel_python == sys.executable  # the notebook's own interpreter (this venv here)
        assert over_ssh and worker_pid != kernel_pid  # a worker sshd started, not the kernel's own process
    finally:
        await kernel.op({"type": "run", "cells": [{"id": "a", "code": "import reflow\nreflow.cluster.close()"}]})
