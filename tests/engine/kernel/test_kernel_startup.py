"""Kernel start-up: its own modules are byte-compiled despite an inherited PYTHONDONTWRITEBYTECODE, the
user's are not; no debugger is loaded; a pre-started kernel moves into the notebook's folder."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from reflow.kernel import prestart
from reflow.kernel.kernel import HOST_MODULE

ENGINE = Path(__file__).resolve().parents[3] / "engine"


@pytest.fixture
def no_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requested before ``kernel``: the kernel inherits PYTHONDONTWRITEBYTECODE=1."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")


async def test_user_modules_keep_the_inherited_choice(no_bytecode, kernel, tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("X = 41\n")
    await kernel.open([("a", "import sys, mine\n(sys.dont_write_bytecode, mine.X + 1)")])
    shown = kernel.outputs("a")[-1]["data"]["text/plain"]
    assert shown == "(True, 42)"
    assert not (tmp_path / "__pycache__").exists()


async def test_the_kernel_loads_no_debugger(kernel) -> None:
    kernel.kc.kernel_info()
    reply = await kernel.kc.get_shell_msg(timeout=60)
    assert reply["msg_type"] == "kernel_info_reply"
    assert "debugger" not in reply["content"].get("supported_features", [])
    await kernel.open([("a", "import sys\n('debugpy' in sys.modules, '_pydevd_bundle' in sys.modules)")])
    assert kernel.outputs("a")[-1]["data"]["text/plain"] == "(False, False)"


def test_warm_compiles_the_kernels_modules_despite_the_flag(tmp_path: Path) -> None:
    engine = tmp_path / "engine"
    shutil.copytree(ENGINE / "reflow", engine / "reflow", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(engine))
    subprocess.run([sys.executable, "-m", "reflow.kernel", "--warm"], env=env, cwd=tmp_path, check=True, timeout=120)
    cached = {p.name.split(".")[0] for p in (engine / "reflow" / "kernel" / "__pycache__").glob("*.pyc")}
    assert {"kernel", "handler"} <= cached
    assert not (tmp_path / "__pycache__").exists()


async def modules_loaded(harness: Any, *names: str) -> list[bool]:
    """Which of ``names`` the kernel has imported, asked with a plain execute_request (no notebook)."""
    question = f"[__import__('sys').modules.get(n) is not None for n in {list(names)!r}]"
    msg_id = harness.kc.execute("", silent=True, user_expressions={"loaded": question})
    while True:
        reply = await harness.kc.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            return ast.literal_eval(reply["content"]["user_expressions"]["loaded"]["data"]["text/plain"])


async def host_imported_before_and_after_open(harness: Any, folder: Path) -> tuple[list[bool], list[bool]]:
    before = await modules_loaded(harness, HOST_MODULE, "reflow.runtime")
    await harness.open([("a", "1 + 1")], path=str(folder / "nb.py"))
    assert harness.outputs("a")[-1]["data"]["text/plain"] == "2"
    return before, await modules_loaded(harness, HOST_MODULE, "reflow.runtime")


async def test_a_prestarted_kernel_imports_the_notebooks_host_before_the_notebook_comes(
    prestarted_kernel: Any, tmp_path: Path
) -> None:
    """A kernel of the pool (or one started while uv installs) has the ~20 ms of the host's imports done
    when its notebook comes."""
    assert await host_imported_before_and_after_open(prestarted_kernel, tmp_path) == ([True, True], [True, True])


async def test_an_ordinary_kernel_imports_the_host_when_the_notebook_comes(kernel: Any, tmp_path: Path) -> None:
    """Its notebook comes right after the start: nothing to gain by importing first."""
    assert await host_imported_before_and_after_open(kernel, tmp_path) == ([False, False], [True, True])


def test_a_prestarted_kernel_takes_the_notebooks_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start, folder = tmp_path / "env", tmp_path / "notebooks"
    start.mkdir()
    folder.mkdir()
    monkeypatch.chdir(start)
    monkeypatch.setattr(prestart, "_started_in", str(start))
    monkeypatch.setattr(sys, "path", [str(start), "", "/lib"])
    monkeypatch.setenv(prestart.MARKER, "1")
    assert prestart.take_notebook_place({"path": str(folder / "nb.py")})
    assert Path.cwd() == folder
    assert sys.path == [str(folder), "", "/lib"]
    assert prestart.MARKER not in os.environ
    assert not prestart.take_notebook_place({"path": str(start / "nb.py")})  # once only
    assert Path.cwd() == folder


def test_an_ordinary_kernel_stays_where_it_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(prestart.MARKER, raising=False)
    assert not prestart.take_notebook_place({"path": "/somewhere/else/nb.py"})
    assert Path.cwd() == tmp_path


def test_a_kernel_started_before_its_packages_reads_their_pth_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app starts a new environment's kernel while uv still installs; the ``.pth`` files installed
    after it started are read when the notebook comes, and only ones in this interpreter's site-packages."""
    site_dir, extra, elsewhere = tmp_path / "site-packages", tmp_path / "extra", tmp_path / "elsewhere"
    for folder in (site_dir, extra, elsewhere):
        folder.mkdir()
    (site_dir / "late.pth").write_text(f"{extra}\nimport sys; sys.reflow_pth_test = 'read'\n")
    (elsewhere / "evil.pth").write_text("import sys; sys.reflow_pth_test = 'evil'\n")
    (site_dir / "not-a-pth.txt").write_text("import sys; sys.reflow_pth_test = 'txt'\n")
    monkeypatch.setattr(prestart.site, "getsitepackages", lambda: [str(site_dir)])
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "reflow_pth_test", None, raising=False)
    assert prestart.read_added_packages([str(elsewhere / "evil.pth"), str(site_dir / "not-a-pth.txt"), 7]) == []
    assert sys.reflow_pth_test is None  # type: ignore[attr-defined]
    assert prestart.read_added_packages([str(site_dir / "late.pth")]) == [str(site_dir / "late.pth")]
    assert str(extra) in sys.path and sys.reflow_pth_test == "read"  # type: ignore[attr-defined]
    assert prestart.read_added_packages("not a list") == []


def test_sigusr1_prints_every_threads_stack_to_stderr(tmp_path: Path) -> None:
    """What a silent kernel is stuck on reaches the app's log: it asks with SIGUSR1 (session/kernel.py)."""
    if not hasattr(signal, "SIGUSR1"):
        pytest.skip("no SIGUSR1 here")
    conn = tmp_path / "kernel.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ENGINE), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reflow.kernel", "-f", str(conn)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not conn.exists():  # written once the kernel has bound its sockets: it runs
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        proc.send_signal(signal.SIGUSR1)
        assert proc.stderr is not None
        guard = threading.Timer(60, proc.kill)  # no dump ever: the read below ends instead of hanging
        guard.start()
        dump = []
        for line in proc.stderr:  # until the main thread's stack: the kernel's event loop
            dump.append(line)
            if "kernelapp.py" in line:
                break
        text = "".join(dump)
        assert "Thread 0x" in text and "(most recent call first)" in text
        assert proc.poll() is None  # a dump, not a death
        guard.cancel()
    finally:
        proc.kill()
        proc.wait(30)
