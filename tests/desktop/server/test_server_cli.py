"""`reflow edit --no-open` and `reflow run` as real processes: URL printed, door locked.

The command modules are run directly (as cli.py dispatches them), so these tests
do not depend on the rest of the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

ROOT = Path(__file__).resolve().parents[3]


def spawn(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop"), env.get("PYTHONPATH", "")])
    command, notebook = args[0], args[1]
    code = (
        "import argparse, sys, importlib\n"
        f"m = importlib.import_module('reflow_desktop.commands.{command}')\n"
        f"sys.exit(m.run(argparse.Namespace(notebook={notebook!r}, no_open=True, port=0,"
        " browser=True)))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )


def first_url(proc: subprocess.Popen) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip().startswith("http://127.0.0.1:"):
            return line.strip()
    raise AssertionError("no URL printed")


async def status(url: str) -> int:
    try:
        return (await AsyncHTTPClient().fetch(url, follow_redirects=False)).code
    except HTTPClientError as exc:
        return exc.code


async def test_edit_no_open_prints_url_and_requires_token(nb_path):
    proc = spawn("edit", str(nb_path), "--no-open")
    try:
        url = first_url(proc)
        assert "token=" in url and "/s/" in url
        assert await status(url) == 200
        assert await status(url.split("?")[0]) == 403
    finally:
        proc.terminate()
        assert proc.wait(60) == 0


def test_run_missing_notebook_fails(tmp_path):
    proc = spawn("run", str(tmp_path / "missing.py"), "--no-open")
    assert proc.wait(60) == 2


def test_edit_with_broken_script_block_says_where_and_touches_nothing(tmp_path):
    nb = tmp_path / "nb.py"
    nb.write_text("# /// script\n# requires-python = >=3.11\n# ///\n\n# %%\nx = 1\n")
    before = nb.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "edit", str(nb), "--no-open"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert f"{nb}: line 2: invalid TOML in the '# /// script' block" in proc.stderr
    assert nb.read_bytes() == before
    assert not (tmp_path / "__reflow__").exists()
