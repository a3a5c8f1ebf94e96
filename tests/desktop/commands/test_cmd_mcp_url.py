"""`reflow mcp-url`: an agent's whole configuration comes from it (the SDK's client uses what it prints)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from mcp import Client

from reflow_desktop.mcp import address
from reflow_desktop.server import ReflowServer
from reflow_desktop.settings import Settings, save_settings


async def mcp_url(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "reflow_desktop.cli", "mcp-url", *args]
    return await asyncio.to_thread(subprocess.run, cmd, capture_output=True, text=True, timeout=120)


async def test_prints_the_running_endpoint_an_agent_can_use(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))
    save_settings(Settings(mcp_server="on"))
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n")
    server = ReflowServer()
    await server.start()
    try:
        await server.open_notebook(nb, autosave_delay=None)
        done = await mcp_url()
        assert done.returncode == 0, done.stderr
        url = done.stdout.strip()
        assert url == f"http://127.0.0.1:{server.port}/mcp?token={server.token}" and done.stderr == ""
        async with Client(url) as client:  # nothing but the printed line
            listed = await client.call_tool("list_notebooks", {})
            assert listed.structured_content["notebooks"][0]["path"] == str(nb.resolve())

        as_json = json.loads((await mcp_url("--json")).stdout)
        assert as_json == {
            "url": f"http://127.0.0.1:{server.port}/mcp",
            "token": server.token,
            "headers": {"Authorization": f"Bearer {server.token}"},
        }
        record = address.folder() / f"{os.getpid()}.json"
        assert record.stat().st_mode & 0o777 == 0o600  # the token is this user's only

        save_settings(Settings(mcp_server="off"))
        off = await mcp_url()
        assert off.returncode == 0 and "turn on Settings > mcp_server" in off.stderr
    finally:
        await server.stop()
    assert not record.exists()  # the server took its record with it
    gone = await mcp_url()
    assert gone.returncode == 1 and "no Reflow app is running" in gone.stderr


def test_records_of_dead_processes_are_ignored_and_removed(tmp_path: Path):
    folder = address.folder()
    folder.mkdir(parents=True, exist_ok=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = folder / f"{pid}.json"
    stale.write_text(json.dumps({"url": "http://127.0.0.1:9/mcp", "token": "t", "pid": pid, "started": 1.0}))
    broken = folder / "broken.json"
    broken.write_text("{not json")
    assert all(e.pid != pid for e in address.running())
    assert not stale.exists() and broken.exists()  # a file it cannot read is not its to delete
