"""Analysis + dataflow graph build for generated notebooks; 100-cell chain re-run.

Measurements, not tests. Prints medians of repeated runs and the per-cell cost,
so near-linear growth shows as a flat "per cell" column.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from reflow.analysis import analyze_cell  # noqa: E402
from reflow.graph import DataflowGraph  # noqa: E402

REPEATS = {100: 21, 1_000: 11, 5_000: 5}  # at least 5 runs each


def generate(n: int, seed: int = 0) -> list[str]:
    """A realistic mix: imports, chains, fan-out from hubs, functions, classes, prints."""
    rng = random.Random(seed)
    cells: list[str] = []
    values: list[str] = []  # names defined so far (plain values)
    funcs: list[str] = []
    mods: list[str] = []
    hubs: list[str] = []
    for i in range(n):
        kind = rng.random()
        if i == 0 or kind < 0.05:
            name = f"m{i}"
            extra = "\nimport os.path" if i == 0 else ""
            cells.append(f"import json as {name}{extra}\nfrom collections import Counter as C{i}")
            mods.append(name)
        elif kind < 0.15 and values:
            name = f"f{i}"
            dep = rng.choice(values)
            cells.append(
                f"def {name}(a, b=2):\n    \"\"\"Doc.\"\"\"\n    total = 0\n"
                f"    for k in range(a):\n        total += k * b\n    return total + {dep}\n"
            )
            funcs.append(name)
        elif kind < 0.2:
            name = f"K{i}"
            cells.append(
                f"class {name}:\n    scale = 2\n\n    def __init__(self, v):\n        self.v = v\n\n"
                f"    def get(self):\n        return self.v * self.scale\n"
            )
        elif kind < 0.3:
            name = f"h{i}"
            cells.append(f"{name} = list(range({i % 50}))\n_tmp = len({name})\nprint(_tmp)")
            hubs.append(name)
            values.append(name)
        elif kind < 0.55 and hubs:
            name = f"w{i}"
            hub = rng.choice(hubs[-20:])
            cells.append(f"{name} = [x * 2 for x in {hub} if x > 1]\nsum({name})")
            values.append(name)
        elif kind < 0.7 and funcs:
            name = f"r{i}"
            f = rng.choice(funcs)
            mod = rng.choice(mods)
            cells.append(f"{name} = {f}(3)\ntext = {mod}.dumps({{'r': {name}}})\n{name}")
            cells[-1] = cells[-1].replace("text =", f"text{i} =")
            values.append(name)
        else:
            name = f"v{i}"
            prev = values[-1] if values else "0"
            cells.append(f"{name} = {prev} if isinstance({prev}, int) else len({prev})\n{name} += 1")
            values.append(name)
    return cells


def build(sources: list[str]) -> tuple[float, float]:
    """(analysis seconds, graph seconds) for one notebook."""
    gc.collect()
    t0 = time.perf_counter()
    analyses = [analyze_cell(s) for s in sources]
    t1 = time.perf_counter()
    g = DataflowGraph()
    ids = [f"c{i}" for i in range(len(sources))]
    for cid, a in zip(ids, analyses):
        g.set_cell(cid, a)
    g.set_display_order(ids)
    errors = g.errors()
    order = g.execution_order()
    t2 = time.perf_counter()
    assert not errors, list(errors.items())[:3]
    assert len(order) == len(ids)
    return t1 - t0, t2 - t1


def chain_rerun(n: int = 100, repeats: int = 21) -> float | None:
    """Median seconds: edit the root of an n-cell chain and re-run (auto mode)."""
    try:
        from reflow.runtime import Runtime
    except ImportError:
        return None

    class NullSink:
        def status(self, *a): pass
        def clear(self, *a): pass
        def stream(self, *a): pass
        def output(self, *a): pass
        def error(self, *a): pass
        def run_finished(self, *a): pass

    rt = Runtime(NullSink())
    cells = [("c0", "x0 = 0")] + [(f"c{i}", f"x{i} = x{i - 1} + 1\nx{i}") for i in range(1, n)]
    rt.set_cells(cells)
    rt.run_all()
    times = []
    for k in range(repeats):
        t0 = time.perf_counter()
        rt.edit_cell("c0", f"x0 = {k + 1}")
        rt.run_cells(["c0"])
        times.append(time.perf_counter() - t0)
        assert rt.namespace[f"x{n - 1}"] == k + n, rt.namespace.get(f"x{n - 1}")
    return statistics.median(times)


def main() -> None:
    print("analysis + graph build (errors and execution order included), median of 5-21 runs")
    print(f"{'cells':>6} {'analysis ms':>12} {'graph ms':>9} {'total ms':>9} {'per cell us':>12}")
    for n in (100, 1_000, 5_000):
        sources = generate(n)
        runs = [build(sources) for _ in range(REPEATS[n])]
        a = statistics.median(r[0] for r in runs)
        g = statistics.median(r[1] for r in runs)
        t = statistics.median(r[0] + r[1] for r in runs)
        print(f"{n:>6} {a * 1e3:>12.1f} {g * 1e3:>9.1f} {t * 1e3:>9.1f} {t / n * 1e6:>12.1f}")
    rerun = chain_rerun()
    if rerun is None:
        print("100-cell chain re-run: reflow.runtime not available")
    else:
        print(f"100-cell chain re-run (edit root -> last cell updated), median: {rerun * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
