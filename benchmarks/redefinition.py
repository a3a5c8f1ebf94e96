"""Cost of redefinition semantics in the engine: 100-cell chains with and without
redefined names, driven by an edit of the root cell and by a slider.

Measurements, not tests. Engine-level (Runtime + reflow.ui's update path, no kernel,
no browser), so what it isolates is the graph and planner work that chains add.
"Redefined" notebooks have about 20% of their names assigned by a second cell
(`x7 = x7 + 1` below `x7 = x6 + 1`), which makes those names ordered chains.
Prints medians of CPU time (``time.process_time``: this process only, so other load
on a shared machine disturbs it less than wall time); on a runtime without redefinition support the redefined variants
print "n/a" (they are multiple-definition errors there), so the script also
measures a baseline checkout (`git worktree add /tmp/base <rev>`).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from reflow.runtime import Runtime  # noqa: E402

N = 100
REPEATS = 51
REDEFINE_EVERY = 6  # one cell in six redefines the previous name: 16 of 84 names (~20%)


class NullSink:
    def status(self, *a: object) -> None: pass
    def clear(self, *a: object) -> None: pass
    def stream(self, *a: object) -> None: pass
    def output(self, *a: object) -> None: pass
    def error(self, *a: object) -> None: pass
    def run_finished(self, *a: object) -> None: pass


def chain_cells(root: str, n: int, redefined: bool) -> list[tuple[str, str]]:
    """``root`` cell then n - 1 cells each adding one; the last cell shows the end value."""
    cells = [("c0", root)]
    current = "x0"
    for i in range(1, n):
        if redefined and i % REDEFINE_EVERY == 0:
            code = f"{current} = {current} + 1"
        else:
            code = f"x{i} = {current} + 1"
            current = f"x{i}"
        cells.append((f"c{i}", code))
    cells[-1] = (cells[-1][0], cells[-1][1] + f"\n{current}")
    return cells


def last_name(cells: list[tuple[str, str]]) -> str:
    return cells[-1][1].splitlines()[-1]


def edit_root(redefined: bool) -> float | None:
    """Median seconds: edit the root of the chain, re-run (auto mode) to the last cell."""
    rt = Runtime(NullSink())
    cells = chain_cells("x0 = 0", N, redefined)
    rt.set_cells(cells)
    rt.run_all()
    last = last_name(cells)
    if rt.namespace.get(last) != N - 1:
        return None
    times = []
    for k in range(REPEATS):
        gc.collect()
        t0 = time.process_time()
        rt.edit_cell("c0", f"x0 = {k + 1}")
        rt.run_cells(["c0"])
        times.append(time.process_time() - t0)
        assert rt.namespace[last] == k + N, rt.namespace.get(last)
    return statistics.median(times)


def slider(redefined: bool, n: int = N) -> float | None:
    """Median seconds: slider value set through reflow.ui's update path -> chain re-run."""
    from reflow.ui._core import REGISTRY
    from reflow.ui._updates import apply_updates

    rt = Runtime(NullSink())
    # A cell id of its own per variant: element ids derive from it, and the registry remembers values.
    slider_cell = (f"s{n}{int(redefined)}", "import reflow\ns = reflow.ui.slider(0, 100000, value=0)")
    cells = [slider_cell] + chain_cells("x0 = s.value", n, redefined)
    rt.set_cells(cells)
    rt.run_all()
    last = last_name(cells)
    if rt.namespace.get(last) != n - 1:
        return None
    element_id = rt.namespace["s"]._id
    assert REGISTRY.get(element_id) is not None
    times = []
    for k in range(REPEATS):
        gc.collect()
        t0 = time.process_time()
        apply_updates(rt, [(element_id, k + 1)])
        times.append(time.process_time() - t0)
        assert rt.namespace[last] == k + n, rt.namespace.get(last)
    return statistics.median(times)


def show(label: str, seconds: float | None) -> None:
    value = "n/a (redefinition unsupported)" if seconds is None else f"{seconds * 1e3:.2f} ms"
    print(f"{label:<58} {value}")


def main() -> None:
    print(f"engine-level CPU-time medians of {REPEATS} runs; redefined = one cell in {REDEFINE_EVERY} "
          f"assigns an existing name")
    show("100-cell chain, edit root -> last cell, plain", edit_root(False))
    show("100-cell chain, edit root -> last cell, ~20% redefined", edit_root(True))
    show("slider -> 100-cell chain, plain", slider(False))
    show("slider -> 100-cell chain, ~20% redefined", slider(True))
    show("slider -> 1 dependent cell", slider(False, n=2))


if __name__ == "__main__":
    main()
