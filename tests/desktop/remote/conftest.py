"""Remote-kernel tests: fixtures.

SSH (issue 18 item 2): a real OpenSSH server on 127.0.0.1 (``helpers.ssh_test_host``), one per test
module (starting it and building the remote environment are the slow part); ``ssh_host`` also sets
``REFLOW_SSH_CONFIG`` so ssh reads the server's throwaway client config. The "remote" uv shares this
machine's uv cache (``UV_CACHE_DIR``): a pre-warmed host, so the build there needs no network; the
environment itself is still built there, by the uv copied there.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from helpers import SshTestHost, ssh_available, ssh_test_host

from reflow_desktop.envs.uv import find_uv


def local_uv_cache() -> str:
    return subprocess.run([str(find_uv()), "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def ssh_server() -> Iterator[SshTestHost]:
    if not ssh_available():
        pytest.skip("OpenSSH server (/usr/sbin/sshd) is not installed")
    with ssh_test_host({"UV_CACHE_DIR": local_uv_cache()}) as server:
        yield server


@pytest.fixture
def ssh_host(ssh_server: SshTestHost, monkeypatch: pytest.MonkeyPatch) -> SshTestHost:
    """The server, with ``REFLOW_SSH_CONFIG`` set so ``ssh reflow-test`` reaches it."""
    monkeypatch.setenv("REFLOW_SSH_CONFIG", str(ssh_server.ssh_config))
    return ssh_server


# --- a real Jupyter Kernel Gateway (gateway provisioner tests) ------------------------------------
# ``gateway``: ``jupyter kernelgateway`` on 127.0.0.1 with a token and a ``reflow`` kernelspec
# (``python -m reflow.kernel``, the repo's engine/ on PYTHONPATH) in its own JUPYTER_PATH, as an
# administrator would install it (docs/remote.md); stopped by PID (its own process group).
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

ENGINE = Path(__file__).resolve().parents[3] / "engine"
READY_S = 120.0  # hang guard for the gateway to answer, never a performance limit


@dataclass
class GatewayServer:
    """A running Kernel Gateway: its base ``url``, ``token`` and process."""

    url: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def kernel_pids(self) -> set[int]:
        """The gateway's child processes (its kernels)."""
        pids: set[int] = set()
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            pids.update(int(p) for p in (task / "children").read_text().split())
        return pids

    def api(self, path: str, method: str = "GET") -> tuple[int, object]:
        """A blocking REST call with the right token (for assertions about the gateway's own view)."""
        req = urllib.request.Request(self.url + path, method=method)
        req.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                body = resp.read()
                return resp.status, json.loads(body) if body else None
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def stop(self) -> None:
        """Stop the gateway and its kernels (its own process group), by PID."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gateway(root: Path, token: str = "t0ken-for-tests") -> GatewayServer:
    """A Kernel Gateway on a free loopback port, serving the ``reflow`` kernelspec from ``root``."""
    spec_dir = root / "share" / "kernels" / "reflow"
    spec_dir.mkdir(parents=True, exist_ok=True)
    kernel_json = {
        "argv": [sys.executable, "-m", "reflow.kernel", "-f", "{connection_file}"],
        "display_name": "Reflow",
        "language": "python",
        "interrupt_mode": "signal",
        "env": {"PYTHONPATH": str(ENGINE)},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(kernel_json))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "JPY_"))}
    env.update(
        JUPYTER_PATH=str(root / "share"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTER_CONFIG_DIR=str(root / "config"),
    )
    log = root / "gateway.log"
    argv = [
        sys.executable,
        "-m",
        "kernel_gateway",
        "--KernelGatewayApp.ip=127.0.0.1",
        f"--KernelGatewayApp.port={port}",
        "--KernelGatewayApp.port_retries=0",
        f"--KernelGatewayApp.auth_token={token}",
        "--JupyterWebsocketPersonality.list_kernels=True",
    ]
    with log.open("wb") as out:  # its own process group: stop() ends it and its kernels
        proc = subprocess.Popen(argv, env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = GatewayServer(f"http://127.0.0.1:{port}", token, proc, log)
    deadline = time.monotonic() + READY_S
    while True:  # readiness: the REST API answers (no event to wait on across processes)
        if proc.poll() is not None:
            raise RuntimeError(f"the gateway exited: {log.read_text()}")
        try:
            if server.api("/api/kernelspecs")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the gateway did not answer: {log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayServer]:
    """One gateway for a test module (tests that stop a gateway start their own: ``new_gateway``)."""
    server = start_gateway(tmp_path_factory.mktemp("gateway"))
    yield server
    server.stop()


@pytest.fixture
def new_gateway() -> Iterator[Callable[[Path], GatewayServer]]:
    """``new_gateway(root)``: a gateway of the test's own, stopped after the test if it still runs."""
    started: list[GatewayServer] = []

    def make(root: Path) -> GatewayServer:
        started.append(start_gateway(root))
        return started[-1]

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def kernel_harness() -> type:
    """``KernelHarness`` of tests/engine/kernel/conftest.py (the reflow comm driver), reused, not copied."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "engine" / "kernel" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_reflow_kernel_harness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    harness: type = module.KernelHarness
    return harness
