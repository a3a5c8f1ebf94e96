"""`reflow edit|run --url-file PATH`: the page URL without reading the server's output (docs/automation.md)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from reflow_desktop.server.url_file import remove_url_file, write_url_file

WAIT = 60.0  # generous readiness wait; never a performance limit


def wait_for_file(path: Path, proc: subprocess.Popen[bytes]) -> str:
    """The file's text once it appears (written whole: renamed in), failing fast if the server exits."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if path.exists():
            return path.read_text(encoding="utf-8")
        assert proc.poll() is None, "the server exited before writing the URL file"
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


async def status(url: str) -> int:
    try:
        return (await AsyncHTTPClient().fetch(url, follow_redirects=False)).code
    except HTTPClientError as exc:
        return exc.code


async def test_edit_writes_a_private_url_file_and_removes_it_on_exit(nb_path: Path, tmp_path: Path) -> None:
    url_file = tmp_path / "reflow.url"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reflow_desktop.cli", "edit", str(nb_path), "--no-open", "--url-file", str(url_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        text = wait_for_file(url_file, proc)
        assert text.endswith("\n") and text.count("\n") == 1
        url = text.strip()
        assert url.startswith("http://127.0.0.1:") and "token=" in url
        assert stat.S_IMODE(os.stat(url_file).st_mode) == 0o600  # it holds the session's token
        assert await status(url) == 200
    finally:
        proc.terminate()
        assert proc.wait(WAIT) == 0
    assert not url_file.exists()


def test_a_url_file_in_a_missing_folder_is_refused_before_serving(nb_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "reflow.url"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "edit", str(nb_path), "--no-open", "--url-file", str(target)],
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert proc.returncode == 2
    assert f"cannot write the URL to {target}" in proc.stderr and "Traceback" not in proc.stderr


def test_removal_leaves_a_later_launchs_file_alone(tmp_path: Path) -> None:
    path = write_url_file(tmp_path / "u", "http://127.0.0.1:1/a")
    write_url_file(path, "http://127.0.0.1:2/b")  # another launch took the file over
    remove_url_file(path, "http://127.0.0.1:1/a")
    assert path.read_text() == "http://127.0.0.1:2/b\n"
    remove_url_file(path, "http://127.0.0.1:2/b")
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind
