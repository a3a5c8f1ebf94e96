"""The real desktop app, end to end (Qt offscreen or Xvfb), one subprocess per scenario.

See shell_driver.py for what runs inside the app. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from qt.shell_run import app_env, run_scenario  # type: ignore[import-not-found]  # tests/ is on pytest's path, not mypy's

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("shell_driver.py")
PY = sys.executable


def _env(tmp_path: Path) -> dict[str, str]:
    env: dict[str, str] = app_env(tmp_path)
    return env


def _run(scenario: str, tmp_path: Path, *paths: str, timeout: float = 150) -> dict[str, Any]:
    result: dict[str, Any] = run_scenario(scenario, tmp_path, *paths, timeout=timeout)
    return result


def _gone(pid: int) -> bool:
    """Exited (or a zombie waiting for a reaper that doesn't care)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if _gone(pid):
            return True
        time.sleep(0.1)
    return _gone(pid)


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    nb = tmp_path / "nbs" / "intro.py"
    nb.parent.mkdir()
    shutil.copyfile(ROOT / "examples" / "intro.py", nb)
    return nb


def test_shell_notebook_window_end_to_end(tmp_path: Path, notebook: Path) -> None:
    r = _run("notebook", tmp_path, str(notebook))
    assert r["ok"] and r["steps"][-1] == "closed"
    assert r["menus"] == ["&File", "&Edit", "&View", "&Kernel", "&Help"]
    assert r["title"].startswith("intro.py")
    assert r["doc_title"]  # the page really loaded
    assert r["recent"] == [str(notebook.resolve())]  # recent list updated
    assert r["console_expr"] == "10.0"  # console kernel sees radius = 5.0 set from the page
    assert r["console_checked"] is True
    assert "radius = 5.0" in notebook.read_text()  # the page's edit reached the file
    assert Path(r["screenshot"]).stat().st_size > 10_000
    assert r["zoom"] == [pytest.approx(1.1), 1.0]  # View ▸ Zoom In, Actual Size
    # File ▸ Export ▸ HTML / ipynb are live and write what the window shows.
    assert r["export_enabled"] == [True, True]
    assert "has area 78.54" in r["exported"]["html"] and "reflow-state" in r["exported"]["html"]
    assert '"nbformat": 4' in r["exported"]["ipynb"] and "has area 78.54" in r["exported"]["ipynb"]
    # Closing the window shut the kernel down (the app has exited too by now).
    assert _wait_gone(r["kernel_pid"], 10), f"kernel {r['kernel_pid']} still running"


def test_shell_welcome_lists_recent_with_missing(tmp_path: Path, notebook: Path) -> None:
    from reflow_desktop.recent import RecentList

    missing = tmp_path / "nbs" / "gone.py"
    recent = RecentList(tmp_path / "data" / "recent.json")
    recent.add(notebook, when=1)
    recent.add(missing, when=2)
    r = _run("welcome", tmp_path)
    entries = {Path(e["path"]).name: e for e in r["entries"]}
    assert set(entries) == {"intro.py", "gone.py"}
    assert entries["gone.py"]["missing"] and "missing" in entries["gone.py"]["text"]
    assert not entries["intro.py"]["missing"]
    assert "Welcome to Reflow" in r["examples"]
    assert r["menus"] == ["&File", "&Help"]
    assert r["recent_after"] == [str(notebook.resolve())]
    assert Path(r["screenshot"]).exists()


def test_shell_single_instance_second_launch_opens_in_first(tmp_path: Path, notebook: Path) -> None:
    second = notebook.with_name("second.py")
    shutil.copyfile(notebook, second)
    out = tmp_path / "out-second"
    env = _env(tmp_path)
    log = tmp_path / "first.log"  # a file, not a pipe nobody reads: Qt's and the kernel's lines would fill it and block
    with log.open("wb") as sink:
        first = subprocess.Popen(
            [PY, str(DRIVER), "second", str(out), str(notebook)], env=env, stdout=sink, stderr=sink
        )
    try:
        end = time.monotonic() + 60
        while not (out / "ready").exists():
            assert first.poll() is None and time.monotonic() < end, "first instance did not start:\n" + log.read_text()
            time.sleep(0.1)
        # Relative path from another cwd: the sender makes it absolute.
        # `reflow second.py` = commands.open.run (called directly: cli.py is being changed by others).
        code = (
            "import argparse, sys; from reflow_desktop.commands.open import run; "
            "sys.exit(run(argparse.Namespace(notebook='second.py', browser=False)))"
        )
        launch = subprocess.run(
            [PY, "-c", code], cwd=second.parent, env=env, capture_output=True, text=True, timeout=30
        )
        assert launch.returncode == 0, launch.stderr
        assert "running Reflow app" in launch.stderr  # how fast: benchmarks/single_instance.py
        try:
            first.wait(90)
        except subprocess.TimeoutExpired:
            raise AssertionError("the first instance did not finish:\n" + log.read_text()) from None
    finally:
        if first.poll() is None:
            first.kill()
    r = json.loads((out / "result.json").read_text())
    assert "error" not in r, r["error"]
    assert r["paths"] == sorted([str(notebook.resolve()), str(second.resolve())])


def test_shell_kernel_dies_when_app_is_killed(tmp_path: Path, notebook: Path) -> None:
    out = tmp_path / "out-hold"
    proc = subprocess.Popen(
        [PY, str(DRIVER), "hold", str(out), str(notebook)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 90
        result: dict = {}
        while "kernel_pid" not in result:
            assert proc.poll() is None and time.monotonic() < end, "app did not start its kernel"
            time.sleep(0.2)
            f = out / "result.json"
            if f.exists():
                try:
                    result = json.loads(f.read_text())
                except ValueError:
                    pass
        kernel = result["kernel_pid"]
        assert not _gone(kernel)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert _wait_gone(kernel, 10), f"kernel {kernel} outlived the killed app"
    finally:
        if proc.poll() is None:
            proc.kill()
