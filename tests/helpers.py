"""Small helpers shared by tests in every folder (importable as ``helpers``: pytest puts tests/ on the path).

Fixtures shared by every folder live in tests/conftest.py; a folder's own fixtures in its conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

if TYPE_CHECKING:
    from reflow_desktop.session import Session

# The Chromium the browser tests drive (Playwright's own is not installed), and how: as root in a
# container without a GPU, with nothing of Chromium's own network traffic.
CHROMIUM = os.environ.get("REFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT = 60.0  # how long a wait for a kernel, a file or a message may last: a hang guard, never a performance limit


def text_of(outputs: list[dict[str, Any]]) -> str:
    """What a person reads in a cell's outputs: stream text and each result's text/plain."""
    parts = []
    for o in outputs:
        if o.get("kind") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("kind") == "data":
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def lines_noted_missing(outputs: list[dict[str, Any]]) -> int:
    """The printed lines a capped output list says it does not show: the marker's dropped outputs
    ("N outputs (L lines, C characters) dropped here") and each clipped chunk's cut ("(L lines) dropped here")."""
    found = re.finditer(r"\(([0-9,]+) lines(?:, [0-9,]+ characters)?\) dropped here", text_of(outputs))
    return sum(int(m.group(1).replace(",", "")) for m in found)


def lines_kept(outputs: list[dict[str, Any]]) -> int:
    """Printed lines still in a capped output list: each note is a line of its own between two breaks."""
    text = text_of(outputs)
    return text.count("\n") - 2 * text.count("dropped here")


def results_text(outputs: list[dict[str, Any]]) -> str:
    """Only the results' text/plain (a value, not what was printed)."""
    return "".join(o.get("data", {}).get("text/plain", "") for o in outputs if o.get("kind") == "data")


def is_output(msg: dict[str, Any], cell: str | None = None, text: str | None = None) -> bool:
    """Whether ``msg`` is a `cell_output` (of ``cell``, if given) whose result's text/plain is ``text`` (if given)."""
    if msg.get("type") != "cell_output" or (cell is not None and msg.get("id") != cell):
        return False
    return text is None or msg["output"].get("data", {}).get("text/plain") == text


async def http_get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET that follows no redirect; error statuses are returned, not raised."""
    try:
        resp = await AsyncHTTPClient().fetch(HTTPRequest(url, headers=headers, follow_redirects=False))
        return resp.code, dict(resp.headers), resp.body
    except HTTPClientError as exc:
        body = exc.response.body if exc.response is not None else b""
        return exc.code, {}, body or b""


async def until(pred: Callable[[], object], timeout: float = WAIT) -> None:
    """Wait until ``pred()`` is true (checked every 5 ms: for state that no event announces)."""

    async def poll() -> None:
        while not pred():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout)


class Recorder:
    """A session client (``session.attach(recorder)``) that records messages and waits for one.

    A kernel ``batch`` is recorded event by event, so predicates see single messages.
    """

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._event = asyncio.Event()

    def __call__(self, msg: dict[str, Any]) -> None:
        self.messages.extend(msg.get("events") or [] if msg.get("type") == "batch" else [msg])
        self._event.set()

    def mark(self) -> int:
        """Where the messages from now on start (for ``wait_for(pred, mark)``)."""
        return len(self.messages)

    async def wait_for(
        self, pred: Callable[[dict[str, Any]], bool], mark: int = 0, timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first message from ``mark`` on that ``pred`` accepts, waiting for it if need be."""

        async def scan() -> dict[str, Any]:
            i = mark
            while True:
                while i < len(self.messages):
                    if pred(self.messages[i]):
                        return self.messages[i]
                    i += 1
                self._event.clear()
                await self._event.wait()

        return await asyncio.wait_for(scan(), timeout)


async def handle(
    session: Session, msg: dict[str, Any], reply: Callable[[dict[str, Any]], object] | None = None
) -> None:
    """Send a UI message to ``session`` and wait until the kernel has finished it (if it went there)."""
    fut = await session.handle(msg, reply or (lambda m: None))
    if fut is not None:
        await asyncio.wait_for(fut, WAIT)


def code_ids(session: Session) -> list[str]:
    """The ids of the session's code cells, in display order."""
    return [c.id for c in session.notebook.cells if c.kind == "code"]


def chromium_or_skip() -> str:
    """The Chromium executable, or skip the test where there is none."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return CHROMIUM


def trust(path: Path) -> None:
    """Sign ``path`` as the current user's notebook (what "Trust" or a save from Reflow records)."""
    from reflow.notebook import read_notebook
    from reflow_desktop.trust import sign_notebook

    sign_notebook(path, read_notebook(path))


# --- an SSH host on loopback (remote kernels: tests/desktop/remote, benchmarks/remote_ssh.py) ---------
# Debian's /usr/sbin/sshd on a free port of 127.0.0.1 with a throwaway host key and client key, its own
# sshd_config and a "remote home" (SetEnv HOME=...), all in a temporary directory; the client side is
# a throwaway OpenSSH config (Host reflow-test) for REFLOW_SSH_CONFIG, so ~/.ssh is never read or written.
_SSHD = "/usr/sbin/sshd"
SSH_TEST_ALIAS = "reflow-test"


@dataclass(frozen=True)
class SshTestHost:
    host: str  # the alias in ``ssh_config``
    port: int
    root: Path  # the temporary directory holding keys and configs
    home: Path  # the remote user's $HOME
    ssh_config: Path
    pid: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


def ssh_available() -> bool:
    return Path(_SSHD).exists() and shutil.which("ssh") is not None and shutil.which("ssh-keygen") is not None


@contextlib.contextmanager
def ssh_test_host(extra_env: dict[str, str] | None = None) -> Iterator[SshTestHost]:
    """Start sshd on loopback; yields once it accepts logins; stops it (by PID) afterwards."""
    # short path: the remote kernel's Unix socket paths live under it (sockaddr_un is ~104 bytes)
    root = Path(tempfile.mkdtemp(prefix="rf-sshd-"))
    home = root / "home"
    home.mkdir()
    _keygen(root / "host_key")
    _keygen(root / "client_key")
    shutil.copy(root / "client_key.pub", root / "authorized_keys")
    port = _free_port()
    env = {"HOME": str(home), "UV_PYTHON_DOWNLOADS": "never", **(extra_env or {})}
    setenv = " ".join(f"{k}={v}" for k, v in env.items())
    (root / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {root}/host_key\nPidFile {root}/sshd.pid\n"
        f"AuthorizedKeysFile {root}/authorized_keys\nUsePAM no\nStrictModes no\nPasswordAuthentication no\n"
        f"KbdInteractiveAuthentication no\nPermitRootLogin yes\nAllowStreamLocalForwarding yes\n"
        f"MaxSessions 50\nMaxStartups 50\nSetEnv {setenv}\n"
    )
    ssh_config = root / "ssh_config"
    ssh_config.write_text(
        f"Host {SSH_TEST_ALIAS}\n  HostName 127.0.0.1\n  Port {port}\n  User {os.environ.get('USER') or 'root'}\n"
        f"  IdentityFile {root}/client_key\n  IdentitiesOnly yes\n  StrictHostKeyChecking no\n"
        f"  UserKnownHostsFile {root}/known_hosts\n  LogLevel ERROR\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir (systemd makes it)
    proc = subprocess.Popen([_SSHD, "-D", "-f", str(root / "sshd_config"), "-E", str(root / "sshd.log")])
    try:
        deadline = time.monotonic() + 30
        while True:  # a login answers: sshd is up (a hang guard, not a measurement)
            login = ["ssh", "-F", str(ssh_config), "-o", "BatchMode=yes", SSH_TEST_ALIAS, "true"]
            probe = subprocess.run(login, capture_output=True, timeout=30)
            if probe.returncode == 0:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (root / "sshd.log").read_text() if (root / "sshd.log").exists() else ""
                raise RuntimeError(f"sshd did not start: {probe.stderr.decode()} {log}")
            time.sleep(0.1)
        yield SshTestHost(SSH_TEST_ALIAS, port, root, home, ssh_config, proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


# --- the freedesktop Secret Service (notebook secrets: tests/desktop/secrets) --------------------------
# A private D-Bus session bus and gnome-keyring's secrets component on it, unlocked with a throwaway
# password, its keyring files in a temporary folder: the real keychain Linux users have, never theirs.


@contextlib.contextmanager
def secret_service(base: Path) -> Iterator[dict[str, str]]:
    """Start a D-Bus session bus with an unlocked gnome-keyring Secret Service; yields the variables to reach it.

    Both daemons are stopped by their PIDs on exit. Skips the test where dbus-daemon or gnome-keyring is missing.
    """
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"no {tool} (./dev setup installs dbus-x11 and gnome-keyring)")
    dirs = {"HOME": base / "home", "XDG_DATA_HOME": base / "data", "XDG_CONFIG_HOME": base / "config"}
    dirs["XDG_RUNTIME_DIR"] = base / "run"
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = {**os.environ, **{k: str(v) for k, v in dirs.items()}}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        address = start_session_bus(procs, env=env)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        procs.append(daemon)
        assert daemon.stdin is not None
        daemon.stdin.write(b"reflow-tests-keyring-password")
        daemon.stdin.close()
        deadline = time.monotonic() + WAIT  # a hang guard: the service owns its bus name within a second
        while not _bus_name_owned(env, "org.freedesktop.secrets"):
            assert daemon.poll() is None, "gnome-keyring-daemon exited"
            assert time.monotonic() < deadline, "the Secret Service never appeared on the bus"
            time.sleep(0.02)
        yield {"DBUS_SESSION_BUS_ADDRESS": address}
    finally:
        stop_by_pid(procs)


def start_session_bus(procs: list[subprocess.Popen[bytes]], **popen: Any) -> str:
    """Start a private ``dbus-daemon --session`` (added to ``procs``); its address, once it listens."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"], stdout=subprocess.PIPE, **popen
    )
    procs.append(bus)
    assert bus.stdout is not None
    address = bus.stdout.readline().decode().strip()  # printed once the bus listens
    assert address, "dbus-daemon printed no address"
    return address


def stop_by_pid(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop test daemons, last started first: SIGTERM, then SIGKILL if one does not end within WAIT."""
    for proc in reversed(procs):
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def _bus_name_owned(env: dict[str, str], name: str) -> bool:
    out = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
         "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return "boolean true" in out.stdout


def notebook_in_folder(tmp_path: Path, text: str) -> Path:
    """``work/nb.py`` holding ``text``: a folder of its own, so ``__reflow__/`` lands beside it and nowhere else."""
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "nb.py"
    path.write_text(text)
    return path


def notebook_beside_a_module(folder: Path, text: str) -> Path:
    """``folder/nb.py`` holding ``text``, beside ``helper_beside.py`` (``WHERE`` names the folder): a kernel
    that imports it and shows ``os.getcwd()`` proves it runs in the notebook's folder (pooled and spare
    kernels start elsewhere and move there)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "helper_beside.py").write_text(f"WHERE = {str(folder)!r}\n")
    path = folder / "nb.py"
    path.write_text(text)
    return path


async def open_and_read_second_cell(path: Path) -> tuple[Session, str]:
    """Start a session on ``path``; the session and what its second cell shows once the first run is done."""
    from reflow_desktop.session import Session

    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    await rec.wait_for(lambda m: m["type"] == "variables")
    return session, results_text(session.cache.get(session.notebook.cells[1].id).outputs)


def fresh_python_probe(code: str, *args: str) -> Any:
    """Run ``code`` in a fresh interpreter that sees only this checkout's engine and desktop packages and
    return the JSON of its last printed line: what a command imports, measured away from the test run's own."""
    import json
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "engine"), str(root / "desktop")])}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def local_wheel(folder: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A small pure-Python wheel built on the spot (``files``: path in the wheel -> text), so a notebook can
    depend on it as ``name @ file:///...`` without the index."""
    import base64
    import hashlib
    import zipfile

    dist = f"{name.replace('-', '_')}-{version}"
    entries = {
        **files,
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: reflow-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }

    def row(path: str, text: str) -> str:
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        return f"{path},sha256={digest},{len(text.encode())}"

    record = "".join(row(p, t) + "\n" for p, t in entries.items()) + f"{dist}.dist-info/RECORD,,\n"
    wheel = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in {**entries, f"{dist}.dist-info/RECORD": record}.items():
            zf.writestr(path, text)
    return wheel
