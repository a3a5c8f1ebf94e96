"""Launch -> first output visible, and memory of server + kernel.

Spawns ``reflow edit nb.py --no-open`` (its command module, in a fresh process) on a small notebook and
measures, from process spawn:
  * url: the server printed its URL (server up, kernel still starting)
  * ws:  first ``cell_output`` received on the WebSocket
  * browser: first output rendered in the real UI in Chromium (Playwright with
    /usr/bin/chromium; the browser is started beforehand, as a desktop window
    would be; skipped when unavailable or ui/dist is not built)
Then memory (RSS and USS of server + kernel processes) right after launch and
after 1,000 re-runs of a 3-cell chain (leak check). Medians over runs.
Note: outputs are computed by running the notebook; there is no sidecar restore yet.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
x = 1

# %%
y = x + 1
y

# %%
z = y * 2
z
"""


def spawn(nb: Path) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop"),
                                         env.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    # What `reflow edit nb.py --no-open` runs (cli.py only dispatches to this module).
    code = ("import argparse, sys\nfrom reflow_desktop.commands import edit\n"
            f"sys.exit(edit.run(argparse.Namespace(notebook={str(nb)!r}, no_open=True, port=0,"
            " browser=True)))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    return proc, t0


def read_url(proc: subprocess.Popen) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip().startswith("http://"):
            return line.strip()
    raise RuntimeError("no URL printed")


def ws_url(url: str) -> str:
    # http://127.0.0.1:P/s/SID?token=T -> ws://127.0.0.1:P/ws/SID?token=T
    return url.replace("http://", "ws://").replace("/s/", "/ws/", 1)


def memory(proc: subprocess.Popen) -> tuple[float, float]:
    """(RSS, USS) in MB of the server process and its kernel children."""
    p = psutil.Process(proc.pid)
    rss = uss = 0
    for q in [p] + p.children(recursive=True):
        info = q.memory_full_info()
        rss += info.rss
        uss += info.uss
    return rss / 2**20, uss / 2**20


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


async def one_ws_run(nb: Path, leak_runs: int = 0) -> dict:
    proc, t0 = spawn(nb)
    try:
        url = read_url(proc)
        t_url = time.perf_counter() - t0
        conn = await websocket_connect(ws_url(url))
        t_first = None
        session = None
        while t_first is None:
            msg = json.loads(await conn.read_message())
            if msg["type"] == "session":
                session = msg
            if msg["type"] == "cell_output":
                t_first = time.perf_counter() - t0
        result = {"url": t_url, "ws": t_first}
        await asyncio.sleep(1.0)
        result["rss"], result["uss"] = memory(proc)
        if leak_runs:
            a = next(c["id"] for c in session["cells"] if c["kind"] == "code")
            for i in range(leak_runs):
                conn.write_message(json.dumps({"type": "run", "cells": [{"id": a,
                                                                        "code": f"x = {i}"}]}))
                while True:
                    msg = json.loads(await conn.read_message())
                    if msg["type"] == "variables":
                        break
            await asyncio.sleep(1.0)
            result["rss_after"], result["uss_after"] = memory(proc)
        conn.close()
        return result
    finally:
        stop(proc)


def browser_runs(nb: Path) -> list[float]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return []
    if not Path("/usr/bin/chromium").exists() or not (ROOT / "ui/dist/index.html").exists():
        return []
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for _ in range(RUNS):
            page = browser.new_page()
            proc, t0 = spawn(nb)
            try:
                url = read_url(proc)
                page.goto(url)
                page.wait_for_function(
                    "[...document.querySelectorAll('.outputs pre')]"
                    ".some(e => e.textContent.trim() === '4')", timeout=60000)
                times.append(time.perf_counter() - t0)
            finally:
                page.close()
                stop(proc)
        browser.close()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nb = Path(tmp) / "nb.py"
        nb.write_text(NOTEBOOK)
        runs = [asyncio.run(one_ws_run(nb)) for _ in range(RUNS)]
        btimes = browser_runs(nb)
        scratch = Path(tmp) / "leak.py"  # the leak run edits (and autosaves) its notebook
        scratch.write_text(NOTEBOOK)
        leak = asyncio.run(one_ws_run(scratch, leak_runs=1000))
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    print(f"runs: {RUNS} (medians)")
    print(f"spawn -> URL printed (server up)       {med('url') * 1000:7.0f} ms")
    print(f"spawn -> first output on WebSocket     {med('ws') * 1000:7.0f} ms")
    if btimes:
        print(f"spawn -> first output visible (Chromium){statistics.median(btimes) * 1000:7.0f} ms")
    else:
        print("spawn -> first output visible (Chromium)  skipped (no playwright/chromium/ui build)")
    print(f"memory server + kernel, RSS / USS      {med('rss'):7.1f} / {med('uss'):.1f} MB")
    print(f"after 1,000 runs of a 3-cell chain     {leak['rss_after']:7.1f} / {leak['uss_after']:.1f} MB"
          f"  (before: {leak['rss']:.1f} / {leak['uss']:.1f} MB)")


if __name__ == "__main__":
    main()
