"""Which cells a run touches, and how: run, skip as blocked, or mark stale.

Pure function of the graph and the runtime's bookkeeping, so the rules can be
tested without executing anything.

Redefinition semantics add one rule on top of "roots, stale ancestors and
descendants": the runtime knows ``writer[x]``, the cell whose run last bound,
mutated or deleted ``x`` in the namespace. The plan is simulated in order; when a
cell that will run reads ``x`` from provider ``p`` (``graph.inputs``) while the
simulated ``writer[x]`` is another cell, ``p`` must run again first (re-running a
mutator re-runs what it mutates; re-running ``x = x + 1`` re-runs the definer
above). And a name written during the plan must end written by its final writer
(the last chain member), which therefore runs again after. Both iterate to a
fixpoint, so the namespace after any plan is the one a top-to-bottom run gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reflow.graph import CycleError, DataflowGraph, GraphError, MultipleDefinitionError

_NO_WRITER = ""  # writer of a name nobody wrote (never a cell id: ids are non-empty)


@dataclass
class RunPlan:
    order: list[str] = field(default_factory=list)  # cells to execute (or report), in order
    blocked: list[str] = field(default_factory=list)  # disabled or below a disabled cell
    to_stale: set[str] = field(default_factory=set)  # lazy mode: descendants to mark stale


def plan_run(
    graph: DataflowGraph,
    roots: Iterable[str],
    *,
    mode: str,
    stale: set[str],
    disabled: set[str],
    followers: Mapping[str, set[str]],
    writer: Mapping[str, str] | None = None,
    wrote: Mapping[str, Iterable[str]] | None = None,
    run_finals: bool = False,
) -> RunPlan:
    """Roots + their stale ancestors (+ descendants in auto mode), minus blocked cells.

    ``followers`` are cells that read a name a cell stopped defining; they are
    treated like descendants of it (they must re-run and report the missing name).
    Cells related to a multiple-definition or cycle error join the run so the error
    shows on all of them. ``writer`` (name -> cell) and ``wrote`` (cell -> names its
    last run wrote) drive the provider and final-writer rules (module doc); without
    them the plan is the one-definer plan. ``run_finals`` (lazy mode): final writers
    run instead of turning stale (the runtime's repair runs).
    """
    errors = graph.errors()
    run = {c for c in roots if c in graph}
    _close(graph, run, errors, stale)
    extra: set[str] = set()
    for cell in run:
        extra |= {c for c in followers.get(cell, ()) if c in graph}
    downstream = graph.descendants_of(run | extra) | extra
    to_stale: set[str] = set()
    if mode == "auto":
        run |= downstream
        _close(graph, run, errors, stale)
    else:
        to_stale = downstream - run
    blocked_all = set(disabled) | graph.descendants_of(disabled) if disabled else set()
    order = graph.topological_order(run - blocked_all)
    if writer is not None:
        cannot_run = blocked_all | doomed_cells(graph, errors)
        for _ in range(len(graph) + 1):  # each round adds cells; bounded by the notebook
            providers, finals = _simulate(graph, order, errors, writer, wrote or {}, cannot_run)
            if mode == "auto":
                new = (providers | finals) - run
                if not new:
                    break
                run |= new | graph.descendants_of(new)
                _close(graph, run, errors, stale)
            else:
                new = (providers | finals if run_finals else providers) - run
                # A provider re-runs only to restore the version its readers need: its code
                # and inputs are unchanged, so its own readers are not stale (a fresh run gives
                # them the same values). Final writers that must run again are, with theirs.
                staled = (finals | graph.descendants_of(finals)) - run
                if not new and staled <= to_stale:
                    break
                run |= new
                _close(graph, run, errors, stale)
                to_stale = (to_stale | staled) - run
            order = graph.topological_order(run - blocked_all)
    blocked = run & blocked_all
    return RunPlan(order=order, blocked=graph.topological_order(blocked), to_stale=to_stale - run)


def _close(graph: DataflowGraph, run: set[str], errors: Mapping[str, list[GraphError]], stale: set[str]) -> None:
    """Add error partners (other definers in strict mode, cycle members) and stale ancestors."""
    if not stale and not errors:
        return  # the common case (a slider, an edit in auto mode): nothing to add
    changed = True
    while changed:
        before = len(run)
        for cell in list(run):
            for err in errors.get(cell, ()):
                if isinstance(err, (MultipleDefinitionError, CycleError)):
                    run.update(c for c in err.cells if c in graph)
        run |= {a for a in graph.ancestors_of(run) if a in stale}
        changed = len(run) != before


def doomed_cells(graph: DataflowGraph, errors: Mapping[str, list[GraphError]]) -> set[str]:
    """Cells that cannot execute whatever runs: graph errors and what reads from them."""
    return set(errors) | graph.descendants_of(errors) if errors else set()


def effective_final_writer(graph: DataflowGraph, name: str, skip: set[str]) -> str | None:
    """The last writer of ``name`` that a top-to-bottom run executes (members in ``skip`` do not)."""
    final = graph.final_writer(name)
    if final is None or final not in skip:
        return final
    members = graph.chain(name)
    if not members:  # order-free: the deleters (any order), then the definer
        members = sorted(graph.definers(name)) + sorted(graph.readers(name) & graph.deleters(name))
    for member in reversed(members):
        if member not in skip:
            return member
    return None


def _simulate(
    graph: DataflowGraph,
    order: list[str],
    errors: Mapping[str, list[GraphError]],
    writer: Mapping[str, str],
    wrote: Mapping[str, Iterable[str]],
    blocked: set[str],
) -> tuple[set[str], set[str]]:
    """Walk the plan assuming every cell succeeds.

    Returns (providers that must run because the namespace will not hold their
    binding when a reader runs, final writers that must run last).
    """
    written: dict[str, str] = {}
    providers: set[str] = set()
    touched: set[str] = set()
    view = graph.run_view
    for cell in order:
        parents, writes, runs = view(cell)
        old = wrote.get(cell)
        if old:
            touched.update(old)  # its old writes are removed before the run
        if cell in blocked or not runs:
            continue  # never executes (graph error or below one): reads nothing, writes nothing
        for provider, names in parents.items():
            if provider in blocked:
                continue
            for name in names:
                current = written[name] if name in written else writer.get(name, _NO_WRITER)
                if current != provider:
                    providers.add(provider)
                    break
        for name in writes:
            written[name] = cell
    finals: set[str] = set()
    final_writer = graph.final_writer
    for name in touched | written.keys():
        final = final_writer(name)
        if final is None:
            continue
        current = written[name] if name in written else writer.get(name, _NO_WRITER)
        if current == final:
            continue  # the common case: settled, whatever is skipped
        if final in blocked:
            final = effective_final_writer(graph, name, blocked)
            if final is None or final == current:
                continue
        finals.add(final)
    return providers, finals
