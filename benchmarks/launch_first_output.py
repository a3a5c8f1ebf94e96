"""Launch -> first output visible, and memory of server + kernel.

Spawns ``reflow edit nb.py --no-open`` (its command module, in a fresh process) on a small notebook and
measures, from process spawn:
  * url: the server printed its URL (server up, kernel still starting)
  * first open (no ``__reflow__/`` yet): first output computed by the kernel on the WebSocket
  * reopen (outputs saved in ``__reflow__/``): the ``session`` message already carries them (the
    outputs are shown from the sidecar before the kernel is up); then the kernel is ready
  * browser: first output rendered in the real UI in Chromium, first open and reopen
    (Playwright with /usr/bin/chromium, started beforehand as a desktop window would
    be; skipped when unavailable or ui/dist is not built): when Playwright saw it (after
    page.goto's load event and a wait_for_function poll), and when the page showed it (a
    MutationObserver's performance.now() in the page, on the same wall clock as the spawn)
Baseline in the same run: a bare Python process that imports tornado, listens and prints its URL
(the floor for any Python server); each launch figure is also given as a ratio to it.
Then memory (RSS and USS of server + kernel processes) right after launch and
after BENCH_LEAK_RUNS ("1000,3000": checkpoints) re-runs of a 3-cell chain, per process: a plateau
between the checkpoints is a bounded cache, a steady climb a leak. Medians and p90 over
BENCH_RUNS (5) launches. REFLOW_BENCH_ROOT=<checkout> measures another tree (before/after); the tree's
Python is byte-compiled first, as an installed app's is: with PYTHONDONTWRITEBYTECODE set (as here), a
fresh worktree would otherwise compile every module at every launch (~90 ms later URL than a compiled one).
Each first open on the WebSocket and each Chromium reopen stays up BENCH_SESSION_S (4) seconds, so that the
reopen after it can take the spare kernel it leaves (session/spare_kernel.py), as a user's reopen after a
session of some seconds would; memory is read before that spare starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import describe, memory_by_role, server_and_kernel
from tornado.websocket import websocket_connect

ROOT = Path(os.environ.get("REFLOW_BENCH_ROOT") or Path(__file__).resolve().parent.parent).resolve()
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LEAK_POINTS = sorted(int(n) for n in os.environ.get("BENCH_LEAK_RUNS", "1000,3000").split(",") if n.strip())
# A first open stays up this long after its kernel is ready before it is stopped, as a user's session
# would: long enough for `reflow edit` to leave a spare kernel for the next launch (session/spare_kernel.py,
# started once the kernel is idle for 2 s), which the reopen that follows then takes.
SESSION_S = float(os.environ.get("BENCH_SESSION_S", "4"))
BASELINE = """\
import asyncio, tornado.web
async def main():
    app = tornado.web.Application([])
    server = app.listen(0, "127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    print(f"http://127.0.0.1:{port}/", flush=True)
asyncio.run(main())
"""
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


def spawn(nb: Path, spare_kernels: bool = True) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if not spare_kernels:  # the kernel is this server's own child (an adopted spare is not: not measured)
        env["REFLOW_KERNEL_POOL"] = "0"
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


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def baseline_run() -> float:
    """Spawn -> URL printed for a bare tornado server (the floor for a Python server launch)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BASELINE], stdout=subprocess.PIPE, text=True)
    read_url(proc)
    took = time.perf_counter() - t0
    proc.wait(30)
    return took


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
    """(RSS, USS) in MB of the server process and its kernel."""
    return server_and_kernel(memory_by_role(proc.pid))


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def events(msg: dict) -> list[dict]:
    """A kernel ``batch`` carries several events; everything else is one."""
    return list(msg.get("events") or []) if msg["type"] == "batch" else [msg]


def forget_outputs(nb: Path) -> None:
    """Remove the sidecar so the next launch is a first open."""
    shutil.rmtree(nb.parent / "__reflow__", ignore_errors=True)


async def one_ws_run(nb: Path, leak_points: list[int] | None = None, stay: float = 1.0) -> dict:
    proc, t0 = spawn(nb, spare_kernels=not leak_points)
    try:
        url = read_url(proc)
        t_url = time.perf_counter() - t0
        conn = await websocket_connect(ws_url(url))
        t_restored = t_computed = t_kernel = None
        session = None
        while t_computed is None or t_kernel is None:
            msg = json.loads(await conn.read_message())
            if msg["type"] == "session":
                session = msg
                if any(c.get("outputs") for c in msg["cells"]):
                    t_restored = time.perf_counter() - t0
                if msg.get("kernel", {}).get("state") in ("idle", "busy"):
                    t_kernel = time.perf_counter() - t0
            if any(e["type"] == "kernel" and e.get("state") in ("idle", "busy") for e in events(msg)):
                t_kernel = t_kernel or time.perf_counter() - t0
            if any(e["type"] == "cell_output" for e in events(msg)):
                t_computed = time.perf_counter() - t0
        result = {"url": t_url, "ws": t_computed, "restored": t_restored, "kernel": t_kernel}
        await asyncio.sleep(1.0)
        result["rss"], result["uss"] = memory(proc)
        await asyncio.sleep(max(0.0, stay - 1.0))
        if leak_points:
            result["leak"] = [(0, memory_by_role(proc.pid))]
            a = next(c["id"] for c in session["cells"] if c["kind"] == "code")
            i = 0
            for point in leak_points:
                while i < point:
                    conn.write_message(json.dumps({"type": "run", "cells": [{"id": a,
                                                                            "code": f"x = {i}"}]}))
                    i += 1
                    while True:
                        msg = json.loads(await conn.read_message())
                        if any(e["type"] == "variables" for e in events(msg)):
                            break
                await asyncio.sleep(1.0)
                result["leak"].append((point, memory_by_role(proc.pid)))
        conn.close()
        return result
    finally:
        stop(proc)


def browser_runs(nb: Path, reopen: bool) -> tuple[list[float], list[float]]:
    """Spawn -> first output visible in Chromium: as Playwright saw it, and as the page shows it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [], []
    if os.environ.get("BENCH_BROWSER") == "0":  # WebSocket figures only
        return [], []
    if not Path("/usr/bin/chromium").exists() or not (ROOT / "ui/dist/index.html").exists():
        return [], []
    times, shown = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        # reopens: each launch is a session as long as the WebSocket first opens (SESSION_S), so that the
        # next reopen finds the spare kernel it leaves, as a user's reopen would; the first follows an
        # untimed one
        for i in range(RUNS + 1 if reopen else RUNS):
            if not reopen:
                forget_outputs(nb)
            page = browser.new_page(bypass_csp=True)  # evaluated predicates: the page's CSP allows no eval
            page.add_init_script(SHOWN_AT)
            proc, t0 = spawn(nb)
            try:
                url = read_url(proc)
                page.goto(url)
                page.wait_for_function(
                    "[...document.querySelectorAll('.outputs pre')]"
                    ".some(e => e.textContent.trim() === '4')", timeout=60000)
                took = time.perf_counter() - t0
                # when the page put it on screen (its own clock), as against when Playwright saw it
                at = page.evaluate("performance.timeOrigin + window.__shownAt") / 1000 - wall0(t0)
                if reopen:
                    time.sleep(SESSION_S)
                if not reopen or i > 0:
                    times.append(took)
                    shown.append(at)
            finally:
                page.close()
                stop(proc)
        browser.close()
    return times, shown


# The page's own moment the output appeared (a DOM mutation), in its clock; page.goto waits for the load
# event and wait_for_function polls over the DevTools protocol, which adds their own latency on top.
SHOWN_AT = """new MutationObserver((_, obs) => {
  if ([...document.querySelectorAll('.outputs pre')].some(e => e.textContent.trim() === '4')) {
    window.__shownAt = performance.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true, characterData: true});"""


def wall0(t0: float) -> float:
    """The wall-clock time (s since the epoch) of the perf_counter moment ``t0``."""
    return time.time() - (time.perf_counter() - t0)


def compile_tree() -> None:
    """Byte-compile the measured tree (no .pyc is written at run time with PYTHONDONTWRITEBYTECODE)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"), str(ROOT / "desktop")],
                   stdout=subprocess.DEVNULL, check=False)


def main() -> None:
    compile_tree()
    with tempfile.TemporaryDirectory() as tmp:
        nb = Path(tmp) / "nb.py"
        nb.write_text(NOTEBOOK)
        runs, reopens, floor = [], [], []
        for _ in range(RUNS):  # interleaved, so load changes hit each kind alike
            floor.append(baseline_run())
            forget_outputs(nb)
            runs.append(asyncio.run(one_ws_run(nb, stay=SESSION_S)))
            reopens.append(asyncio.run(one_ws_run(nb)))  # outputs saved by the first open
        btimes, bshown = browser_runs(nb, reopen=False)
        btimes_reopen, bshown_reopen = browser_runs(nb, reopen=True)
        scratch = Path(tmp) / "leak.py"  # the leak run edits (and autosaves) its notebook
        scratch.write_text(NOTEBOOK)
        leak = asyncio.run(one_ws_run(scratch, leak_points=LEAK_POINTS))
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    base = statistics.median(floor)

    def row(label: str, xs: list[float], note: str = "") -> None:
        print(f"{label:44} {statistics.median(xs) * 1000:7.0f} {p90(xs) * 1000:7.0f} "
              f"{statistics.median(xs) / base:6.1f}x  {note}")

    print(f"runs: {RUNS}, tree {ROOT}")
    print(f"{'spawn -> ...':44} {'median':>7} {'p90':>7} {'x base':>7}  (ms)")
    row("baseline: bare tornado server prints its URL", floor)
    row("URL printed (server up)", [r["url"] for r in runs])
    row("first output on WebSocket (first open)", [r["ws"] for r in runs], "computed by the kernel")
    restored = [r["restored"] for r in reopens if r["restored"] is not None]
    if len(restored) == len(reopens):
        row("outputs on WebSocket, reopen", restored, "restored from __reflow__/ (target < 500)")
    else:
        print(f"reopen: {len(reopens) - len(restored)} of {len(reopens)} launches had no restored outputs")
    row("kernel ready, reopen", [r["kernel"] for r in reopens])
    if btimes:
        row("first output visible, Chromium, first open", btimes, "seen by Playwright")
        row("first output visible, Chromium, reopen", btimes_reopen, "seen by Playwright")
        row("first output shown, Chromium, first open", bshown, "the page's own time of it")
        row("first output shown, Chromium, reopen", bshown_reopen, "the page's own time of it (target < 500)")
    else:
        print("spawn -> first output visible (Chromium)  skipped (no playwright/chromium/ui build)")
    print(f"{'memory server + kernel, RSS / USS':44} {med('rss'):7.1f} / {med('uss'):.1f} MB")
    for n, figures in leak.get("leak", []):
        print(f"{f'after {n:,} runs of a 3-cell chain':44} {describe(figures)}")


if __name__ == "__main__":
    main()
