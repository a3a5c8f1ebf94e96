"""Reopen a notebook whose expensive cell is cached: time to all outputs.

The notebook has a ~1 s cell of pure-Python work (primes by trial division and a
table of 200,000 floats) inside ``with reflow.persistent_cache("expensive"):``,
plus cheap cells upstream and downstream. Each trial is a fresh process (what a
reopen is): import the engine, read the notebook, build a Runtime with the
notebook's ``__file__``, run all cells, until the last output.

  * cold:   the cache directory is deleted before each trial (first open)
  * reopen: the cache from the previous run is present (restored, body skipped)

Medians of RUNS (>= 5) trials; "in-process" is from the start of the process's
own Python code, "wall" includes interpreter start-up. The ratio is cold/reopen.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "7")))

NOTEBOOK = '''\
# %%
import math
import reflow

# %%
limit = 650_000
rows = 2_000

# %%
with reflow.persistent_cache("expensive"):
    primes = [p for p in range(2, limit) if all(p % d for d in range(2, math.isqrt(p) + 1))]
    table = [[math.sin(i * j) for j in range(100)] for i in range(rows)]
    print("computed", len(primes), "primes")
len(primes)

# %%
summary = (len(primes), primes[-1], round(sum(map(sum, table)), 6))
summary

# %%
report = f"{summary[0]} primes below {limit}, largest {summary[1]}"
report
'''

CHILD = '''\
import time
t0 = time.perf_counter()
import builtins, json, sys
from reflow.notebook import read_notebook
from reflow.runtime import CollectingSink, Runtime
path = sys.argv[1]
nb = read_notebook(path)
sink = CollectingSink()
rt = Runtime(sink, namespace={"__name__": "__main__", "__builtins__": builtins, "__file__": path})
rt.set_cells([(c.id, c.source) for c in nb.cells if c.kind == "code"])
t1 = time.perf_counter()
rt.run_all()
t2 = time.perf_counter()
assert not sink.errors, sink.errors
print(json.dumps({"total": t2 - t0, "run": t2 - t1, "restored": sink.restored,
                  "outputs": [repr(v) for v in sink.outputs.values()]}))
'''


def trial(path: Path) -> tuple[float, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "engine")}
    env.pop("REFLOW_CACHE_DIR", None)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if out.returncode:
        raise SystemExit(out.stderr)
    return wall, json.loads(out.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "expensive.py"
        path.write_text(NOTEBOOK)
        cache = Path(tmp) / "__reflow__" / "cache"
        cold: list[tuple[float, dict]] = []
        warm: list[tuple[float, dict]] = []
        for _ in range(RUNS):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(trial(path))
            warm.append(trial(path))   # the cache written by the cold run
        assert all(not r["restored"] for _, r in cold) and all(r["restored"] for _, r in warm)
        assert {tuple(r["outputs"]) for _, r in cold + warm}.__len__() == 1, "outputs differ"
        size = sum(p.stat().st_size for p in cache.rglob("*.pkl"))

    def med(rows: list[tuple[float, dict]], field: str) -> float:
        return statistics.median(w if field == "wall" else r[field] for w, r in rows)

    saved = statistics.median(r["restored"][next(iter(r["restored"]))] for _, r in warm)
    print(f"cache_reopen: 5-cell notebook, expensive cell cached ({size / 1e6:.1f} MB entry), "
          f"medians of {RUNS} fresh processes, Python {sys.version.split()[0]}")
    print(f"{'':26}{'cold':>10}{'reopen':>10}{'ratio':>9}")
    for label, field in (("run_all (cells only)", "run"), ("time to all outputs", "total"),
                         ("wall incl. interpreter", "wall")):
        c, w = med(cold, field), med(warm, field)
        print(f"{label:26}{c * 1000:>8.0f}ms{w * 1000:>8.0f}ms{c / w:>8.1f}x")
    print(f"time saved reported to the UI (cell_cached.saved_seconds): {saved:.2f} s")


if __name__ == "__main__":
    main()
