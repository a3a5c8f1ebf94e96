"""The app's launch order (issue 21): the first notebook's window is made before the server listens
and takes its page once the server is up. It must still end up showing the notebook, and a server
or notebook that cannot open must still reach the user. Runs launch_driver.py in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from qt.shell_run import app_env  # type: ignore[import-not-found]  # tests/ is on pytest's path, not mypy's

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("launch_driver.py")


def launch(mode: str, tmp_path: Path, *paths: str) -> dict[str, Any]:
    out = tmp_path / f"out-{mode}"
    proc = subprocess.run(
        [sys.executable, str(DRIVER), mode, str(out), *paths],
        env=app_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert (out / "result.json").exists(), f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    result: dict[str, Any] = json.loads((out / "result.json").read_text())
    assert "error" not in result, result["error"] + proc.stderr[-2000:]
    assert result["thread_violations"] == []
    return result


def test_launch_window_becomes_the_notebook_window(tmp_path: Path) -> None:
    nb = tmp_path / "nbs" / "intro.py"
    nb.parent.mkdir()
    shutil.copyfile(ROOT / "examples" / "intro.py", nb)
    r = launch("shows", tmp_path, str(nb))
    assert r["errors"] == [] and r["exit_code"] == 0
    assert r["launch_window_kept"] and r["page_done"]
    assert r["page_api"] == "object"  # pywebview's script (window.pywebview) reached the notebook page
    [only] = r["windows"]  # one window, no blank one left over
    assert only["title"].startswith("intro.py")
    assert only["url"].startswith("http://127.0.0.1:") and "/s/" in only["url"]


def test_server_that_cannot_start_is_reported(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("x = 1\n")
    r = launch("server_fails", tmp_path, str(nb))
    [(title, text)] = r["errors"]
    assert title == "Reflow could not start" and "server did not start" in text
    assert "in use" in text  # the OS's reason, as it said it
    assert r["exit_code"] == 1


def test_notebook_that_cannot_open_is_reported_and_welcome_shown(tmp_path: Path) -> None:
    r = launch("bad_notebook", tmp_path, str(tmp_path / "no-such-folder" / "nb.py"))
    [(title, text)] = r["errors_before_ready"]
    assert title == "Cannot open nb.py" and "no such folder" in text
    assert r["welcome"]
    assert [w["title"] for w in r["windows"]] == ["Welcome to Reflow"]  # the launch window is gone
