"""A launch starts the notebook's kernel before it loads the server and session (server/early_kernel.py).

Real kernels with the app's own Python (REFLOW_ENVIRONMENTS=0, so the interpreter is known at once).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from helpers import WAIT, Recorder, results_text

from reflow_desktop.server import early_kernel
from reflow_desktop.session import Session

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = "# %%\nimport os\n\n# %%\n(os.getcwd(), 'REFLOW_KERNEL_PRESTARTED' in os.environ)\n"


@pytest.fixture
def no_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "0")


def gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_the_launch_module_loads_neither_server_nor_session() -> None:
    """What must come after the kernel's launch is not imported by the launch module itself."""
    probe = (
        "import json, sys\nimport reflow_desktop.server.launch\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('tornado', 'reflow_desktop.session', "
        "'reflow_desktop.server.app', 'jupyter_client')))))"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


async def test_the_session_takes_the_kernel_launched_early(tmp_path: Path, no_environments: None) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "nb.py"
    path.write_text(NOTEBOOK)
    pool = await early_kernel.start(path)
    assert pool is not None
    spare = await launched_kernel()
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await early_kernel.finish(pool)
        assert session.kernel.pid == spare  # no second kernel was launched
        await rec.wait_for(lambda m: m["type"] == "variables")
        shown = results_text(session.cache.get(session.notebook.cells[1].id).outputs)
        assert str(folder) in shown and "False" in shown  # in the notebook's folder, the marker gone
        assert _kernel_children() == {spare}
    finally:
        await session.close()
        await early_kernel.finish(pool)


async def test_an_early_kernel_no_session_takes_is_stopped(tmp_path: Path, no_environments: None) -> None:
    path = tmp_path / "nb.py"
    path.write_text(NOTEBOOK)
    pool = await early_kernel.start(path)
    assert pool is not None
    pid = await launched_kernel()
    await early_kernel.finish(pool)
    assert gone(pid)
    assert _kernel_children() == set()


async def test_no_early_kernel_while_the_environment_is_not_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "1")
    monkeypatch.setenv("REFLOW_CACHE_DIR", str(tmp_path / "cache"))  # an empty cache: nothing built
    path = tmp_path / "nb.py"
    path.write_text('# /// script\n# requires-python = ">=3.11"\n# ///\n' + NOTEBOOK)
    assert await early_kernel.start(path) is None
    assert _kernel_children() == set()


async def launched_kernel() -> int:
    """The one kernel process this test launched (its command line shows once it has exec'd)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not (found := _kernel_children()) and loop.time() < deadline:
        await asyncio.sleep(0.01)
    [pid] = found
    return pid


def _kernel_children() -> set[int]:
    """PIDs of reflow kernels started by this test process."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "reflow.kernel" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                found.add(child.pid)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            pass
    return found
