"""The overhead of running the kernel on an SSH host: slider round trip and 100-cell chain,
kernel behind the SSH tunnel on loopback versus a local kernel, in the same run (issue 18 item 5).

The SSH host is a real OpenSSH server started on 127.0.0.1 (``tests/helpers.py``
``ssh_test_host``: throwaway keys, its own home); the kernel runs there through
``reflow-ssh-provisioner``, its channels forwarded over one ControlMaster connection. Both sides
use slider.py's notebooks. Measured at the session (the server's side of the WebSocket), from
``set_ui_value`` to the dependent cell's ``cell_output`` with the new value: the part of the
round trip the tunnel can change (the page and WebSocket add the same to both; ``slider.py``
measures them). Moves are sequential, as in slider.py. Loopback has no network latency, so this
is the tunnel's own cost (ssh encryption and two extra socket hops per message); a real host adds
its round-trip time per message.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # helpers.ssh_test_host: the same server the tests use

from helpers import ssh_test_host  # noqa: E402
from slider import SIMPLE, chain_notebook, pct  # noqa: E402

from reflow_desktop.envs.uv import find_uv  # noqa: E402
from reflow_desktop.remote.place import LOCAL, Place, SshHost  # noqa: E402
from reflow_desktop.session import Session  # noqa: E402

MOVES = 200
CHAIN = 100
CHAIN_MOVES = 30
UI_MIME = "application/vnd.reflow.ui+json"
WAIT = 300.0  # hang guard


class Client:
    """A session client that wakes a waiter when a cell shows a text."""

    def __init__(self) -> None:
        self.want: tuple[str, str] | None = None
        self.seen = asyncio.Event()
        self.element: str | None = None

    def __call__(self, msg: dict[str, Any]) -> None:
        for m in msg.get("events") or [] if msg.get("type") == "batch" else [msg]:
            if m.get("type") != "cell_output":
                continue
            data = m["output"].get("data", {})
            if UI_MIME in data:
                self.element = data[UI_MIME]["element_id"]
            if self.want is not None and m.get("id") == self.want[0] and self.want[1] in data.get("text/plain", ""):
                self.want = None
                self.seen.set()

    def expect(self, cell: str, text: str) -> None:
        """Watch for ``text`` in ``cell`` from now on (set before sending what causes it)."""
        self.want = (cell, text)
        self.seen.clear()

    async def wait(self) -> None:
        await asyncio.wait_for(self.seen.wait(), WAIT)


async def open_session(place: Place, text: str, path: Path, prefix: str, offset: int) -> tuple[Session, Client]:
    """A session of ``text`` whose kernel runs at ``place``, run once, its slider found."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    # locally too the kernel runs in the notebook's own environment: the same recipe as on the host
    session = Session(path, autosave_delay=None, place=place, environments=True)
    client = Client()
    session.attach(client)
    await asyncio.wait_for(session.start(), WAIT)
    client.expect(session.cells[-1].id, f"{prefix}{offset}'")
    await session.handle({"type": "run_all"}, client)
    await client.wait()
    assert client.element is not None
    return session, client


async def move(session: Session, client: Client, value: int, prefix: str, offset: int) -> float:
    """One slider move: ms from ``set_ui_value`` to the dependent cell's output with the new value."""
    assert client.element is not None
    msg = {"type": "set_ui_value", "element_id": client.element, "value": value, "request_id": str(value)}
    client.expect(session.cells[-1].id, f"{prefix}{value + offset}'")
    t0 = time.perf_counter()
    await session.handle(msg, client)
    await client.wait()
    return (time.perf_counter() - t0) * 1000


async def compare(
    remote: Place, tmp: Path, name: str, text: str, values: list[int], prefix: str, offset: int
) -> tuple[list[float], list[float]]:
    """Both kernels at once, moves alternating between them, so the machine's load falls on both alike."""
    here = await open_session(LOCAL, text, tmp / "local" / name, prefix, offset)
    there = await open_session(remote, text, tmp / "ssh" / name, prefix, offset)
    local: list[float] = []
    ssh: list[float] = []
    try:
        for i, v in enumerate(values):
            first, second = (here, there) if i % 2 == 0 else (there, here)
            a = await move(*first, v, prefix, offset)
            b = await move(*second, v, prefix, offset)
            (local if first is here else ssh).append(a)
            (local if second is here else ssh).append(b)
        return local[5:], ssh[5:]  # the first few moves warm the path up
    finally:
        await here[0].close()
        await there[0].close()


def row(label: str, xs: list[float]) -> str:
    return f"  {label:<22} p50 {statistics.median(xs):7.1f} ms   p90 {pct(xs, 90):7.1f} ms   min {min(xs):6.1f}"


async def main() -> None:
    cache = subprocess.run([str(find_uv()), "cache", "dir"], capture_output=True, text=True, check=True).stdout
    with ssh_test_host({"UV_CACHE_DIR": cache.strip()}) as host, tempfile.TemporaryDirectory() as tmp:
        os.environ["REFLOW_SSH_CONFIG"] = str(host.ssh_config)
        remote = SshHost(host.host)
        slider_values = [(i * 7) % 997 + 1 for i in range(MOVES)]
        chain_values = [(i * 13) % 9973 + 1 for i in range(CHAIN_MOVES)]
        results = {
            "slider": await compare(remote, Path(tmp), "slider.py", SIMPLE, slider_values, "v=", 0),
            "chain": await compare(
                remote, Path(tmp), "chain.py", chain_notebook(CHAIN), chain_values, "last=", CHAIN - 1
            ),
        }
    titles = {
        "slider": f"slider -> dependent output ({MOVES} sequential moves, alternating local / SSH)",
        "chain": f"slider -> {CHAIN}-cell chain, last cell updated ({CHAIN_MOVES} moves, alternating)",
    }
    for key, title in titles.items():
        local, ssh = results[key]
        print(title)
        print(row("local kernel", local))
        print(row("kernel over SSH", ssh))
        ratio = statistics.median(ssh) / statistics.median(local)
        extra = statistics.median(ssh) - statistics.median(local)
        print(f"  overhead: x{ratio:.2f} p50 ({extra:+.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
