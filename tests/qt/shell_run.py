"""Start the real app on a shell_driver.py scenario in a subprocess and read what it reported."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).with_name("shell_driver.py")


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The app's environment: private data/config dirs, offscreen Qt without a display, no sandbox as root."""
    env = dict(os.environ)
    env["REFLOW_DATA_DIR"] = str(tmp_path / "data")
    env["REFLOW_CONFIG_DIR"] = str(tmp_path / "config")
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env["REFLOW_STRICT_THREADS"] = "1"  # Qt touched off the GUI thread raises (and is reported)
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def run_scenario(scenario: str, tmp_path: Path, *paths: str, timeout: float = 150, **env: str) -> dict[str, Any]:
    """Run ``scenario`` to its end; fail with the app's stderr if it errored or exited badly."""
    out = tmp_path / f"out-{scenario}"
    proc = subprocess.run(
        [sys.executable, str(DRIVER), scenario, str(out), *paths],
        env=app_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    result_file = out / "result.json"
    assert result_file.exists(), f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text())
    assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
    assert proc.returncode == 0, f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    assert result.get("thread_violations") == [], result.get("thread_violations")
    result["stderr"] = proc.stderr
    return result


@contextlib.contextmanager
def window_system(kind: str, base: Path) -> Iterator[dict[str, str]]:
    """The app's Qt platform as environment: ``offscreen``, or ``xvfb`` -- a real X server (Xvfb, 24-bit) of
    its own (``-displayfd``: no display number guessed), stopped by its PID afterwards."""
    if kind == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    if shutil.which("Xvfb") is None:
        pytest.skip("no Xvfb (./dev setup installs xvfb)")
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
        cwd=base,
    )
    os.close(write)
    try:
        with os.fdopen(read) as displayfd:
            number = displayfd.readline().strip()  # written once the server accepts clients
        assert number, "Xvfb printed no display number"
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
    finally:
        os.kill(xvfb.pid, signal.SIGTERM)
        xvfb.wait(timeout=30)
