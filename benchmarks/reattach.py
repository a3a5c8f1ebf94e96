"""Reattach to a kernel kept running in the background, with 500 cells of journaled output.

A 500-cell notebook (auto mode) runs every cell once -- each prints two lines and shows a value
-- and then a last cell waits (a run still going). The window closes with "keep running", so the
kernel goes on alone and its journal holds all 500 cells' outputs. Then, in the same run:

  * reattach: ``Session(nb)`` + ``start()`` (finds the record, connects to the running kernel over
    its connection file, takes its cell ids, reads and replays the journal) + the ``session``
    message the page gets; then the window closes with "keep running" again, for the next run;
  * plain reopen: the same notebook and its ``__reflow__/`` sidecar copied to another folder (no
    kernel running for it): ``Session(nb)`` (outputs restored from the sidecar) + the ``session``
    message -- what opening shows before any kernel is up;
  * journal: reading and checking the journal file alone (``read_journal``).

Medians over BENCH_RUNS runs (default 7). Measurements, not tests.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

from reflow.kernel.journal import read_journal  # noqa: E402
from reflow_desktop.session import Session  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
N = 500
WAIT_S = 300.0  # a hang guard, never a limit on what is measured


def make_notebook(directory: Path, stop: Path) -> Path:
    parts = ['# /// script\n# requires-python = ">=3.11"\n# ///\n']
    for i in range(N):
        parts.append(f'# %%\nprint("cell {i} starts")\nprint("cell {i}: " + "x" * 60)\nv{i} = {i} * 7\nv{i}\n')
    parts.append(f"# %%\nimport os, time\nwhile not os.path.exists({str(stop)!r}):\n    time.sleep(0.05)\n")
    path = directory / "nb.py"
    path.write_text("\n".join(parts))
    return path


def shown_outputs(session: Session) -> int:
    return sum(1 for c in session.notebook.cells if session.outputs_of(c.id))


async def until(pred: object, what: str) -> None:
    end = time.monotonic() + WAIT_S
    while not pred():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)


async def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="reflow-bench-reattach-"))
    os.environ["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")  # this run's records, not the user's
    stop = tmp / "stop"
    work = tmp / "work"
    work.mkdir()
    nb = make_notebook(work, stop)
    first = Session(nb, autosave_delay=None)
    await first.start()
    await until(lambda: shown_outputs(first) >= N and first.cells_running, "the 500 cells ran")
    await first.close(keep_running=True)
    journal = next((work / "__reflow__" / "journal").glob("*.jsonl"))

    plain_dir = tmp / "plain"
    plain_dir.mkdir()
    shutil.copy(nb, plain_dir / "nb.py")
    shutil.copytree(work / "__reflow__", plain_dir / "__reflow__", ignore=shutil.ignore_patterns("journal"))

    reattach_ms, reopen_ms, journal_ms = [], [], []
    shown = (0, 0)
    for _ in range(RUNS):
        gc.collect()
        t0 = time.perf_counter()
        s = Session(nb, autosave_delay=None)
        await s.start()
        s.session_message()
        reattach_ms.append((time.perf_counter() - t0) * 1000)
        assert s.background.reattached, "did not reattach"
        shown = (shown_outputs(s), shown[1])
        await s.close(keep_running=True)

        gc.collect()
        t0 = time.perf_counter()
        p = Session(plain_dir / "nb.py", autosave_delay=None)
        p.session_message()
        reopen_ms.append((time.perf_counter() - t0) * 1000)
        shown = (shown[0], shown_outputs(p))
        p.closed = True  # no kernel was started: nothing to stop
        p.ownership.release()
        await p.sidecar.close()

        gc.collect()
        t0 = time.perf_counter()
        read = read_journal(journal)
        journal_ms.append((time.perf_counter() - t0) * 1000)

    size = journal.stat().st_size
    last = Session(nb, autosave_delay=None)
    await last.start()
    stop.write_text("")
    await last.close()
    shutil.rmtree(tmp, ignore_errors=True)

    r, o, j = statistics.median(reattach_ms), statistics.median(reopen_ms), statistics.median(journal_ms)
    print(f"reattach with {N} cells of journaled output ({len(read.records)} messages, {size / 1e3:.0f} kB)")
    print(f"  medians over {RUNS} runs; cells showing outputs: reattach {shown[0]}, plain reopen {shown[1]}")
    print(f"  {'reattach (Session + start + session message)':<50} {r:8.1f} ms")
    print(f"  {'  of which: read + check the journal':<50} {j:8.1f} ms")
    print(f"  {'plain reopen from the sidecar':<50} {o:8.1f} ms")
    print(f"  {'reattach / plain reopen':<50} {r / o:8.2f} x")


if __name__ == "__main__":
    asyncio.run(main())
