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
from helpers import WAIT, Recorder, code_ids, handle, is_output, results_text

from reflow_desktop.remote.place import SshHost
from reflow_desktop.remote.ssh_provisioner import SshProvisioner
from reflow_desktop.session import Session

pytestmark = pytest.mark.uv

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
    await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle")
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
