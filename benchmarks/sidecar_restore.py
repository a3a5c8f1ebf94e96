"""Open of a 500-cell notebook with outputs restored from the sidecar.

Generates a 500-cell notebook and its ``__reflow__/`` sidecar (text, HTML, stream
and error outputs; every 25th cell a ~100 kB PNG, stored as a blob), then measures:

  * core: read the notebook + read the sidecar + match by code hash + build all
    500 CellStates (what the ``session`` message carries), in-process;
  * write: one sidecar write of the same state (JSON encode + atomic write), for scale;
  * ws (when the session is wired to the sidecar): spawn of ``reflow edit nb.py
    --no-open`` (a fresh process, as a launch would be) → the ``session`` message
    with all 500 cells' outputs received over the WebSocket. The notebook is in
    lazy mode, so nothing runs: every output shown comes from the sidecar. The
    server answers while the kernel is still starting (launch.py starts it in
    parallel), so this is "outputs visible", not "kernel ready".

Medians over BENCH_RUNS runs (default 7). Measurements, not tests.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

from reflow.notebook import read_notebook  # noqa: E402

from reflow_desktop.session.state import CellCache  # noqa: E402
from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash  # noqa: E402
from reflow_desktop.sidecar.store import CellSource, SidecarStore  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
N = 500


def make_notebook(directory: Path) -> Path:
    parts = ['# /// script\n# requires-python = ">=3.11"\n#\n# [tool.reflow]\n# runtime = "lazy"\n# ///\n']
    for i in range(N):
        if i % 10 == 9:
            parts.append(f"# %% [markdown]\n# Section {i}\n")
        elif i == 0:
            parts.append("# %%\nv0 = 0\nv0\n")
        else:
            parts.append(f"# %%\nv{i} = v{i - 1 if (i - 1) % 10 != 9 else i - 2} + {i}\nprint(v{i})\nv{i}\n")
    path = directory / "nb.py"
    path.write_text("\n".join(parts))
    return path


def outputs_for(i: int) -> list[dict]:
    outs: list[dict] = [{"kind": "stream", "name": "stdout", "text": f"{i * 7}\n"}]
    if i % 25 == 1:
        png = base64.b64encode(os.urandom(100_000)).decode()  # distinct plots: one blob each
        outs.append({"kind": "data", "data": {"image/png": png, "text/plain": "<Figure size 640x480>"}})
    elif i % 7 == 3:
        outs.append({"kind": "error", "error": {"kind": "exception", "message": "ZeroDivisionError: x",
                                                "ename": "ZeroDivisionError", "cells": [],
                                                "traceback": "Traceback...\n" * 5}})
    else:
        rows = "".join(f"<tr><td>{r}</td><td>{r * i}</td></tr>" for r in range(20))
        outs.append({"kind": "data", "data": {"text/plain": str(i * 7),
                                              "text/html": f"<table>{rows}</table>"}})
    return outs


def make_sidecar(nb_path: Path) -> None:
    cells = [c for c in read_notebook(nb_path).cells if c.kind == "code"]
    records = [CellRecord(code_hash(c.source), "idle", outputs_for(i), "2026-11-25T06:00:00Z")
               for i, c in enumerate(cells)]
    SidecarStore(nb_path).save(SidecarData(nb_path.name, records))


def open_core(nb_path: Path) -> list[dict]:
    """What the session does on open, minus the kernel: notebook + sidecar → CellStates."""
    nb = read_notebook(nb_path)
    store = SidecarStore(nb_path)
    loaded = store.load()
    restored = store.restore([CellSource(c.id, c.kind, c.source) for c in nb.cells], loaded.data)
    cache = CellCache()
    for cid, rc in restored.items():
        st = cache.get(cid)
        st.outputs, st.status = rc.outputs, rc.status
    return [cache.cell_state(c) for c in nb.cells]


def median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def integrated() -> bool:
    from reflow_desktop.session import session as session_mod

    return "SessionSidecar" in Path(session_mod.__file__).read_text()


async def ws_open_once(nb_path: Path) -> tuple[float, int]:
    from tornado.websocket import websocket_connect

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop"),
                                         env.get("PYTHONPATH", "")])
    code = ("import argparse, sys\nfrom reflow_desktop.commands import edit\n"
            f"sys.exit(edit.run(argparse.Namespace(notebook={str(nb_path)!r}, no_open=True, port=0,"
            " browser=True)))")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout is not None
        url = ""
        for line in proc.stdout:
            if line.strip().startswith("http://"):
                url = line.strip()
                break
        ws = url.replace("http://", "ws://").replace("/s/", "/ws/", 1)
        host = url.split("/")[2]
        conn = await websocket_connect(
            __import__("tornado.httpclient").httpclient.HTTPRequest(ws, headers={"Origin": f"http://{host}"}))
        while True:
            msg = json.loads(await conn.read_message())
            if msg["type"] == "session":
                elapsed = (time.perf_counter() - t0) * 1000
                with_outputs = sum(1 for c in msg["cells"] if c["outputs"])
                conn.close()
                return elapsed, with_outputs
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nb_path = make_notebook(Path(tmp))
        make_sidecar(nb_path)
        side = SidecarStore(nb_path)
        size = side.path.stat().st_size
        blobs = list(side.blobs.iterdir())
        states = open_core(nb_path)
        n_out = sum(1 for s in states if s["outputs"])
        print(f"notebook: {N} cells ({sum(1 for s in states if s['kind'] == 'code')} code), "
              f"sidecar {size / 1024:.0f} kB + {len(blobs)} blobs "
              f"({sum(b.stat().st_size for b in blobs) / 1024:.0f} kB)")
        print(f"core open (read nb + sidecar, match, build {len(states)} CellStates, "
              f"{n_out} with outputs): median {median_ms(lambda: open_core(nb_path)):.1f} ms over {RUNS}")
        data = side.load().data
        assert data is not None
        print(f"sidecar write (encode + atomic write, blobs present): "
              f"median {median_ms(lambda: side.save(data)):.1f} ms over {RUNS}")
        # one edited cell: the others keep their outputs
        text = nb_path.read_text().replace("v5 = v4 + 5", "v5 = v4 + 500", 1)
        nb_path.write_text(text)
        states = open_core(nb_path)
        stale = [s for s in states if s["status"] == "stale"]
        print(f"after editing one cell on disk: {len(stale)} stale, "
              f"{sum(1 for s in states if s['outputs']) - len(stale)} kept idle")
        if not integrated():
            print("ws: session not wired to the sidecar yet; skipped")
            return
        runs = max(3, RUNS // 2)
        results = [asyncio.run(ws_open_once(nb_path)) for _ in range(runs)]
        ms = statistics.median(r[0] for r in results)
        print(f"ws: spawn `reflow edit` -> session message with {results[0][1]} cells' outputs: "
              f"median {ms:.0f} ms over {runs}")


if __name__ == "__main__":
    main()
