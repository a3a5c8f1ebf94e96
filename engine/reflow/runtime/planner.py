"""Which cells a run touches, and how: run, skip as blocked, or mark stale.

Pure function of the graph and the runtime's bookkeeping, so the rules can be
tested without executing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reflow.graph import DataflowGraph


@dataclass
class RunPlan:
    order: list[str] = field(default_factory=list)     # cells to execute (or report), in order
    blocked: list[str] = field(default_factory=list)   # disabled or below a disabled cell
    to_stale: set[str] = field(default_factory=set)    # lazy mode: descendants to mark stale


def plan_run(
    graph: DataflowGraph,
    roots: Iterable[str],
    *,
    mode: str,
    stale: set[str],
    disabled: set[str],
    followers: Mapping[str, set[str]],
) -> RunPlan:
    """Roots + their stale ancestors (+ descendants in auto mode), minus blocked cells.

    ``followers`` are cells that read a name a cell stopped defining; they are
    treated like descendants of it (they must re-run and report the missing name).
    Cells related to a graph error (other definers, cycle members) join the run
    so the error shows on all of them.
    """
    run = {c for c in roots if c in graph}
    errors = graph.errors()
    changed = True
    while changed:  # small fixpoint: error partners and stale ancestors
        before = len(run)
        for cell in list(run):
            for err in errors.get(cell, ()):
                run.update(c for c in getattr(err, "cells", ()) if c in graph)
        run |= {a for a in graph.ancestors_of(run) if a in stale}
        changed = len(run) != before
    extra: set[str] = set()
    for cell in run:
        extra |= {c for c in followers.get(cell, ()) if c in graph}
    downstream = graph.descendants_of(run | extra) | extra
    if mode == "auto":
        run |= downstream
        to_stale: set[str] = set()
    else:
        to_stale = downstream - run
    blocked_all = set(disabled) | graph.descendants_of(disabled) if disabled else set()
    blocked = run & blocked_all
    order = graph.topological_order(run - blocked)
    return RunPlan(order=order, blocked=graph.topological_order(blocked), to_stale=to_stale)
