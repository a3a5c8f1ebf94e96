"""Time Reflow's cell analyzer against marimo 0.25.2's on the same real cells.

Run: .venv/bin/python benchmarks/analysis_vs_marimo.py [--repeats N]

Cells: the agreement test's corpus, an evenly spread sample of 8,000 top-level
statements of the stdlib plus every cell of the notebooks shipped with marimo. Each
repeat analyses every cell once with each analyzer; the table shows the median
total over repeats, per-cell time and the ratio. marimo's `compile_cell` also
compiles bytecode (it needs it to run the cell), so a second row times Reflow's
analysis plus `compile()` for a like-for-like "ready to run" comparison.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "engine"))
sys.path.insert(0, str(ROOT / "tests" / "engine" / "analysis"))

from analysis_compare import agree, marimo_outcome, reflow_outcome  # noqa: E402
from analysis_corpus import SAMPLE_SIZE, notebook_cells, sample, stdlib_cells  # noqa: E402
from reflow.analysis import analyze_cell  # noqa: E402


def _time_interleaved(fns: list[Callable[[], None]], repeats: int) -> list[list[float]]:
    """Run the analyzers in turn within each repeat, so load from other processes
    hits all of them alike; returns the times per analyzer."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for index, fn in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            fn()
            times[index].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from marimo._ast.compiler import compile_cell

    sources = [source for _, source in sample(stdlib_cells(), SAMPLE_SIZE) + notebook_cells()]
    ids = [f"c{i}" for i in range(len(sources))]

    def ours() -> None:
        for source in sources:
            analyze_cell(source)

    def ours_and_compile() -> None:
        for source in sources:
            analyze_cell(source)
            try:
                compile(source, "<cell>", "exec", flags=0x2000)  # PyCF_ALLOW_TOP_LEVEL_AWAIT
            except (SyntaxError, ValueError):
                pass

    def theirs() -> None:
        for cell_id, source in zip(ids, sources):
            try:
                compile_cell(source, cell_id=cell_id)
            except (SyntaxError, ValueError):
                pass

    ours()
    theirs()  # warm-up: imports, caches
    names = ["reflow analyze_cell", "reflow analyze_cell + compile()", "marimo compile_cell"]
    rows = list(zip(names, _time_interleaved([ours, ours_and_compile, theirs], args.repeats)))
    marimo_median = statistics.median(rows[-1][1])

    agreed = sum(
        agree(source, reflow_outcome(source), marimo_outcome(source, cell_id))
        for cell_id, source in zip(ids, sources)
    )
    print(f"{len(sources)} cells, {sum(map(len, sources)) / 1e6:.1f} MB of source, "
          f"{args.repeats} repeats, Python {sys.version.split()[0]}")
    print(f"{'analyzer':34} {'median s':>9} {'µs/cell':>8} {'speedup':>10}")
    for name, times in rows:
        median = statistics.median(times)
        print(f"{name:34} {median:9.3f} {median / len(sources) * 1e6:8.1f} "
              f"{marimo_median / median:9.1f}x")
    print(f"agreement with marimo (normalised): {agreed / len(sources):.4%}")


if __name__ == "__main__":
    main()
