"""A notebook whose kernel runs on an SSH host (issue 18 item 2), against a real sshd on loopback.

The "remote" is this machine reached through sshd with its own home directory: the kernel's pid
lives there (its run directory says so), its interpreter is the environment built under that home,
and the notebook file, sidecar and outputs stay here.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import WAIT, Recorder, code_ids, handle, is_output, results_text, until

from reflow_desktop.remote.place import LOCAL, SshHost
from reflow_desktop.remote.recent_places import notebook_place
from reflow_desktop.remote.ssh_provisioner import SshProvisioner
from reflow_desktop.session import Session

pytestmark = pytest.mark.uv
UI_MIME = "application/vnd.reflow.ui+json"

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
import os, sys
where = (os.getpid(), sys.prefix)
where

# %%
import reflow
s = reflow.ui.slider(0, 10, value=1)
s

# %%
s.value * 100
"""


@pytest.fixture
async def remote_session(ssh_host: Any, tmp_path: Path) -> Session:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    session = Session(nb, autosave_delay=None, place=SshHost(ssh_host.host))
    await asyncio.wait_for(session.start(), WAIT * 4)  # first start builds the remote environment
    yield session
    await session.close()


def provisioner(session: Session) -> SshProvisioner:
    prov = session.kernel.km.provisioner if session.kernel.km is not None else None
    assert isinstance(prov, SshProvisioner)
    return prov


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_kernel_runs_on_the_host_and_cells_run(remote_session: Session, ssh_host: Any) -> None:
    rec = Recorder()
    remote_session.attach(rec)

    # idle already when the page arrives (its session message says so), or a moment later; a kernel
    # that died on the way fails here with its reason (and the notices), not after the wait
    def state(m: dict[str, Any]) -> dict[str, Any]:
        return m if m.get("type") == "kernel" else (m.get("kernel") or {}) if m.get("type") == "session" else {}

    settled = await rec.wait_for(lambda m: state(m).get("state") in ("idle", "dead"))
    notices = [m.get("text") for m in rec.messages if m.get("type") == "notice"]
    assert state(settled)["state"] == "idle", (state(settled).get("message"), notices)
    prov = provisioner(remote_session)
    assert prov.remote_pid is not None and prov.run_dir.startswith(str(ssh_host.home))
    a, _, c = code_ids(remote_session)
    await handle(remote_session, {"type": "run_all"})
    await rec.wait_for(lambda m: is_output(m, c, "100"))
    pid, prefix = eval(results_text(remote_session.outputs_of(a)))  # (pid, sys.prefix) as the kernel shows it
    assert pid == prov.remote_pid
    # the kernel's interpreter is the notebook's environment built on the host, under its home
    assert prefix.startswith(str(ssh_host.home / ".cache" / "reflow-remote" / "envs"))
    assert (Path(prefix) / ".reflow-env.json").is_file()
    assert (ssh_host.home / ".cache" / "reflow-remote" / "bin" / "uv").is_file()
    assert not (remote_session.path.parent / ".cache").exists()  # nothing of it beside the notebook


async def test_slider_reruns_its_reader_on_the_host(remote_session: Session) -> None:
    rec = Recorder()
    remote_session.attach(rec)
    _, b, c = code_ids(remote_session)
    await handle(remote_session, {"type": "run_all"})
    shown = await rec.wait_for(lambda m: is_output(m, b) and UI_MIME in m["output"].get("data", {}))
    await rec.wait_for(lambda m: is_output(m, c, "100"))
    element = shown["output"]["data"][UI_MIME]["element_id"]
    mark = rec.mark()
    await handle(remote_session, {"type": "set_ui_value", "element_id": element, "value": 7, "request_id": "r1"})
    await rec.wait_for(lambda m: is_output(m, c, "700"), mark)


async def test_interrupt_stops_a_loop_on_the_host(remote_session: Session) -> None:
    rec = Recorder()
    remote_session.attach(rec)
    a, _, c = code_ids(remote_session)
    await until(lambda: remote_session.status_of(c) == "idle" and remote_session.kernel.state == "idle")  # opened
    mark = rec.mark()
    loop = "print('looping', flush=True)\nwhile True: pass"
    fut = await remote_session.handle({"type": "run", "cells": [{"id": a, "code": loop}]}, rec)
    # its own print proves the loop runs on the host (a status alone comes before the code): interrupt now
    await rec.wait_for(
        lambda m: m.get("type") == "cell_output" and m["id"] == a and "looping" in m["output"].get("text", ""), mark
    )
    await handle(remote_session, {"type": "interrupt"})
    assert fut is not None
    await asyncio.wait_for(fut, WAIT)
    assert remote_session.cache.get(a).status == "interrupted"
    assert remote_session.kernel.state != "dead"
    mark = rec.mark()  # the same kernel goes on running cells
    await remote_session.handle({"type": "run", "cells": [{"id": a, "code": "41 + 1"}]}, rec)
    await rec.wait_for(lambda m: is_output(m, a, "42"), mark)


async def test_restart_gives_a_fresh_kernel_on_the_host(remote_session: Session, ssh_host: Any) -> None:
    rec = Recorder()
    remote_session.attach(rec)
    a, _, _ = code_ids(remote_session)
    prov = provisioner(remote_session)
    old_pid, run_dir = prov.remote_pid, prov.run_dir
    assert old_pid is not None and pid_alive(old_pid)
    mark = rec.mark()
    await handle(remote_session, {"type": "restart"})
    await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
    assert provisioner(remote_session) is prov and prov.remote_pid not in (None, old_pid)
    assert prov.run_dir == run_dir and not pid_alive(old_pid)
    mark = rec.mark()
    await remote_session.handle({"type": "run", "cells": [{"id": a, "code": "import os; os.getpid()"}]}, rec)
    await rec.wait_for(lambda m: is_output(m, a, str(prov.remote_pid)), mark)


async def test_shutdown_stops_the_kernel_and_cleans_up(ssh_host: Any, tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    session = Session(nb, autosave_delay=None, place=SshHost(ssh_host.host))
    await asyncio.wait_for(session.start(), WAIT * 4)
    prov = provisioner(session)
    pid, run_dir, conn = prov.remote_pid, Path(prov.run_dir), prov.conn
    assert pid is not None and pid_alive(pid) and run_dir.is_dir() and conn is not None and conn.is_open
    local_sockets = list(Path(session.kernel.km.ip).parent.glob(Path(session.kernel.km.ip).name + "-*"))
    assert len(local_sockets) == 5  # the forwarded channels
    await session.close()
    assert not pid_alive(pid)
    assert not run_dir.exists()  # connection file, sockets, logs: gone from the host
    assert not conn.is_open and not Path(conn.control_path).exists()
    assert not any(s.exists() for s in local_sockets)
    assert nb.read_text() == NOTEBOOK  # the file stayed here, untouched


async def test_run_on_moves_the_kernel_there_and_back(ssh_host: Any, tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    session = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        rec = Recorder()
        session.attach(rec)
        assert not [m for m in rec.messages if m["type"] == "place"]  # here: nothing to say
        a, _, _ = code_ids(session)
        mark = rec.mark()
        await handle(session, {"type": "run_on", "place": f"ssh:{ssh_host.host}"})
        moved = await rec.wait_for(lambda m: m["type"] == "place", mark)
        assert moved["label"] == f"on {ssh_host.host}" and moved["recent"][0] == f"ssh:{ssh_host.host}"
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
        said = [m["line"] for m in rec.messages[mark:] if m["type"] == "env_progress"]  # the UI saw it connect
        assert said[0] == f"Connecting to {ssh_host.host}"
        assert said[-1].startswith(f"Starting the kernel on {ssh_host.host}")
        remote_pid = provisioner(session).remote_pid
        assert remote_pid is not None
        mark = rec.mark()
        await session.handle({"type": "run", "cells": [{"id": a, "code": "import os; os.getpid()"}]}, rec)
        await rec.wait_for(lambda m: is_output(m, a, str(remote_pid)), mark)
        assert notebook_place(session.path) == SshHost(ssh_host.host)  # reopened, it runs there again
        late = Recorder()  # a page connecting now is told where the kernel runs
        session.attach(late)
        assert [m["label"] for m in late.messages if m["type"] == "place"] == [f"on {ssh_host.host}"]
        mark = rec.mark()
        await handle(session, {"type": "run_on", "place": "local"})
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
        assert session.kernel.km is not None and session.kernel.km.provisioner is not None
        assert not isinstance(session.kernel.km.provisioner, SshProvisioner) and not pid_alive(remote_pid)
        assert notebook_place(session.path) == LOCAL
    finally:
        await session.close()


async def test_an_unreachable_host_leaves_the_kernel_dead_with_the_reason(
    ssh_host: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "ssh_config"  # the test host's config plus a host whose port nothing listens on
    config.write_text(ssh_host.ssh_config.read_text() + "\nHost reflow-nowhere\n  HostName 127.0.0.1\n  Port 1\n")
    monkeypatch.setenv("REFLOW_SSH_CONFIG", str(config))
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    session = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        rec = Recorder()
        session.attach(rec)
        mark = rec.mark()
        await handle(session, {"type": "run_on", "place": "ssh:-oProxyCommand=touch x"}, rec)  # hostile: refused
        assert rec.messages[mark]["type"] == "error" and session.kernel.state == "idle"
        await handle(session, {"type": "run_on", "place": "ssh:reflow-nowhere"})
        dead = await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "dead", mark)
        assert "reflow-nowhere" in dead["message"] and "Connection refused" in dead["message"]
        assert session.kernel.km is None
        mark = rec.mark()  # another place still works
        await handle(session, {"type": "run_on", "place": f"ssh:{ssh_host.host}"})
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
    finally:
        await session.close()


async def test_an_idle_kernel_ends_when_the_apps_connection_is_lost(ssh_host: Any, tmp_path: Path) -> None:
    """The app killed (its ssh master with it): the kernel's own exit policy applies there as here."""
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    session = Session(nb, autosave_delay=None, place=SshHost(ssh_host.host))
    try:
        await asyncio.wait_for(session.start(), WAIT * 4)
        rec = Recorder()
        session.attach(rec)
        _, _, c = code_ids(session)
        await until(lambda: session.status_of(c) == "idle" and session.kernel.state == "idle")
        prov = provisioner(session)
        pid, master = prov.remote_pid, prov.conn._master if prov.conn is not None else None
        assert pid is not None and master is not None
        master.kill()  # as if the app died: the connection and everything over it is gone at once
        await until(lambda: not pid_alive(pid))  # the host's kernel noticed and ended (it was idle)
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "dead")
    finally:
        await session.close()
