"""Language server diagnostics latency after a keystroke, on a 200-cell notebook, and its memory.

The app's own server object (reflow_desktop.lsp.NotebookLanguageServer, python-lsp-server + ruff)
over a generated 200-cell notebook (imports, chains of globals, functions, prints). Each
"keystroke" is one character added to (or removed from) the end of a cell in the middle, as the
session passes an edit on: the character turns a name into an undefined one and back, so the
diagnostics that answer it are recognisable. Latency = from the edit until the diagnostics that
reflect it arrive (includes pylsp's fixed 0.5 s lint debounce). Memory = resident set of the
server and its children (the jedi subprocess) after the keystrokes.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

from reflow.notebook import Cell  # noqa: E402
from reflow_desktop.lsp.notebook_server import DiagnosticsByCell, NotebookLanguageServer  # noqa: E402

CELLS = 200
KEYSTROKES = 40
TYPED_CELL = 100


def generate(n: int) -> list[Cell]:
    cells = [Cell("code", "import json\nimport os\nfrom collections import Counter", {}, "c0")]
    for i in range(1, n):
        if i % 10 == 0:
            code = (
                f"def f{i}(items: list[int], k: int = {i}) -> int:\n    return sum(x * k for x in items) + len(os.sep)"
            )
        elif i % 7 == 0:
            code = f"counts{i} = Counter(json.dumps({{'a': {i}}}))\nprint(counts{i})"
        else:
            prev = f"v{i - 1}" if i > 1 and (i - 1) % 10 and (i - 1) % 7 else str(i)
            code = f"v{i} = {prev} + {i}\nprint('v{i}', v{i})"
        cells.append(Cell("code", code, {}, f"c{i}"))
    return cells


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


async def main() -> None:
    cells = generate(CELLS)
    arrived: asyncio.Queue[DiagnosticsByCell] = asyncio.Queue()
    with tempfile.TemporaryDirectory() as tmp:
        server = NotebookLanguageServer(
            Path(tmp) / "nb.py", python=lambda: sys.executable, on_diagnostics=arrived.put_nowait
        )
        server.update(cells)
        t0 = time.perf_counter()
        await server.start()
        started = time.perf_counter() - t0
        await asyncio.wait_for(arrived.get(), 120)
        first = time.perf_counter() - t0
        assert server.pid is not None
        rss_idle = rss_mb(server.pid)

        cid = cells[TYPED_CELL].id
        base = cells[TYPED_CELL].source
        latencies: list[float] = []
        for k in range(KEYSTROKES):
            typed = k % 2 == 0  # even: "print(zz" + "q" -> undefined `zzq`; odd: back to the defined name
            source = base + ("\nzzq" if typed else "")
            cells[TYPED_CELL] = Cell("code", source, {}, cid)
            t = time.perf_counter()
            server.update(cells)
            while True:
                got = await asyncio.wait_for(arrived.get(), 60)
                flagged = any("zzq" in d["message"] for d in got.get(cid, []))
                if flagged == typed:
                    break
            latencies.append((time.perf_counter() - t) * 1000)
        rss_after = rss_mb(server.pid)
        await server.stop()

    q = statistics.quantiles(latencies, n=10)
    print(f"python-lsp-server + ruff, {CELLS}-cell notebook ({server.doc.line_count} lines), {KEYSTROKES} keystrokes")
    print(f"  server start (initialize)       {started * 1000:8.0f} ms")
    print(f"  first diagnostics after start    {first * 1000:8.0f} ms")
    print(f"  keystroke -> diagnostics  p50    {statistics.median(latencies):8.0f} ms")
    print(f"  keystroke -> diagnostics  p90    {q[8]:8.0f} ms")
    print("  (of which pylsp's lint debounce    500 ms)")
    print(f"  server RSS after open            {rss_idle:8.1f} MB")
    print(f"  server RSS after keystrokes      {rss_after:8.1f} MB")


if __name__ == "__main__":
    asyncio.run(main())
