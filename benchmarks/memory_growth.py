"""Which process grows over many slider moves or runs, and by what (issue 21 item 5).

Drives a real Session in this process (the server side) with a real kernel, as ``reflow edit``
does, without a browser: a slider with one reader (``slider``) or a 3-cell chain run again
(``run``). Prints RSS / USS of this process (the server side) and of the kernel at each
checkpoint (after the warm-up, after 1,000 and after 3,000 operations by default: a plateau means
a bounded cache, a steady climb a leak) and, with ``--trace``, the top tracemalloc differences per
process between the first and the last checkpoint (the kernel dumps its snapshots on SIGUSR2,
``reflow.memtrace``). Tracing slows both processes several times and adds its own memory, so the
RSS figures of a ``--trace`` run are not the product's.

    .venv/bin/python benchmarks/memory_growth.py [slider|run] [--trace] [--checkpoints 1000,3000]

A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import linecache
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

SLIDER = """\
# %%
import reflow
s = reflow.ui.slider(0, 1000, value=0)
s

# %%
f"v={s.value}"
"""

CHAIN = """\
# %%
a = 1

# %%
b = a + 1

# %%
c = b + 1
c
"""


def mb(proc: psutil.Process) -> tuple[float, float]:
    info = proc.memory_full_info()
    return info.rss / 2**20, info.uss / 2**20


def element_id(outputs: list[dict[str, Any]]) -> str:
    """The first reflow.ui element id found in a cell's outputs."""
    stack: list[object] = [outputs]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("element_id"), str):
                return str(node["element_id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise LookupError("no reflow.ui element in the outputs")


def kernel_snapshot(pid: int, folder: Path, n: int) -> tracemalloc.Snapshot:
    """Ask the kernel for its ``n``-th snapshot (SIGUSR2) and load it."""
    os.kill(pid, signal.SIGUSR2)
    path = folder / f"{pid}-{n}.snapshot"
    deadline = time.monotonic() + 120
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel wrote no {path.name} (started without REFLOW_TRACEMALLOC?)")
        time.sleep(0.05)
    return tracemalloc.Snapshot.load(str(path))


def top_growth(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot, title: str, n: int = 12) -> None:
    """The allocation sites that grew most; each with its nearest Reflow frame and what called it."""
    skip = [tracemalloc.__file__, linecache.__file__, "<frozen importlib.*"]  # the dump's own and the printing's
    filters = [tracemalloc.Filter(False, name) for name in skip]
    diff = last.filter_traces(filters).compare_to(first.filter_traces(filters), "traceback")
    print(f"  {title}: top growth (tracemalloc, by allocation site)", flush=True)
    for stat in diff[:n]:
        if stat.size_diff <= 0:
            break
        frames = [f.strip() for f in stat.traceback.format(most_recent_first=True) if f.startswith("  File")]
        print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {frames[0]}")
        for extra in frames[1:4]:
            print(f"{'':34}<- {extra}")


async def main_async(kind: str, checkpoints: list[int], trace: str | None, tmp: Path) -> None:
    from reflow_desktop.session import Session

    os.environ["REFLOW_DATA_DIR"] = str(tmp / "user-data")  # never the real user's trust store or recents
    os.environ["REFLOW_TRUSTED_DIRS"] = str(tmp.resolve())  # the notebook written here is "mine": it runs
    snaps = tmp / "snapshots"
    if trace in ("kernel", "both"):
        os.environ["REFLOW_TRACEMALLOC"] = str(snaps)  # the kernel inherits it
    if trace in ("server", "both"):
        tracemalloc.start(12)
    nb = tmp / "nb.py"
    nb.write_text(SLIDER if kind == "slider" else CHAIN)
    session = Session(nb, autosave_delay=None)
    session.attach(lambda msg: None)  # a page that reads and drops everything
    await session.start()

    async def send(msg: dict[str, Any]) -> None:
        fut = await session.handle(msg, lambda m: None)
        if fut is not None:
            await asyncio.wait_for(fut, 120)

    await send({"type": "set_mode", "mode": "auto"})  # a barrier: after the opening run
    cells = [c.id for c in session.notebook.cells if c.kind == "code"]
    if kind == "slider":
        eid = element_id(session.outputs_of(cells[0]))

        async def op(i: int) -> None:
            await send({"type": "set_ui_value", "element_id": eid, "value": (i * 11) % 997 + 1, "request_id": f"r{i}"})
    else:

        async def op(i: int) -> None:
            await send({"type": "run", "cells": [{"id": cells[0], "code": f"a = {i}"}]})

    pid = session.kernel.pid
    assert pid is not None
    server, kernel = psutil.Process(), psutil.Process(pid)
    for i in range(20):  # warm-up: caches, first-time imports
        await op(i)
    done, rows = 0, []
    shots: dict[str, list[tracemalloc.Snapshot]] = {}
    for point in [0, *checkpoints]:
        t0, c0 = time.perf_counter(), sum(kernel.cpu_times()[:2]) + sum(server.cpu_times()[:2])
        while done < point:
            await op(done + 20)
            done += 1
        wall = time.perf_counter() - t0
        cpu = sum(kernel.cpu_times()[:2]) + sum(server.cpu_times()[:2]) - c0
        rows.append((point, mb(server), mb(kernel), wall, cpu, point - (rows[-1][0] if rows else 0)))
        r = rows[-1]
        per = f"  {r[3] * 1000 / r[5]:.1f} ms wall, {r[4] * 1000 / r[5]:.1f} ms CPU per op" if r[5] else ""
        print(
            f"after {point:>6,} {kind} ops: server {r[1][0]:6.1f} / {r[1][1]:6.1f} MB   "
            f"kernel {r[2][0]:6.1f} / {r[2][1]:6.1f} MB   sum {r[1][0] + r[2][0]:6.1f} / {r[1][1] + r[2][1]:6.1f} MB"
            f" (RSS / USS){per}",
            flush=True,
        )
        if trace in ("server", "both"):
            shots.setdefault("server", []).append(tracemalloc.take_snapshot())
        if trace in ("kernel", "both"):
            shots.setdefault("kernel", []).append(kernel_snapshot(pid, snaps, len(rows) - 1))
        for name, taken in shots.items():
            if len(taken) > 1:
                top_growth(taken[0], taken[-1], f"{name}, 0 -> {point:,} ops")
    await session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", nargs="?", choices=["slider", "run"], default="slider")
    parser.add_argument(
        "--trace", choices=["server", "kernel", "both"], help="tracemalloc diffs of these processes (slow)"
    )
    parser.add_argument("--checkpoints", default="1000,3000", help="operation counts to report at")
    args = parser.parse_args()
    points = sorted(int(x) for x in args.checkpoints.split(","))
    trace = os.environ.get("REFLOW_TRACE", "")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; REFLOW_TRACE={trace}")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main_async(args.kind, points, args.trace, Path(tmp)))


if __name__ == "__main__":
    main()
