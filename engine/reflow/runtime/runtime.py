"""The reactive runtime: keeps a namespace in lockstep with the cells' code.

Semantics (DESIGN.md "Reactive semantics"):
* Running a cell removes its old defs, runs it, then runs its descendants in
  topological order (auto mode) or marks them stale (lazy mode). Stale
  ancestors of a requested cell always run first (never-run cells are stale).
* ``edit_cell`` only registers code: the cell turns stale; its descendants are
  untouched until it runs (their values still match the namespace).
* A failing cell stops its descendants (status ``ancestor-error``, naming it);
  a failed cell's defs are removed so no half-made value outlives the error.
* Cells with graph errors (cycles, reads of a name defined only below; multiple
  definitions in strict mode) or analysis errors (syntax, star import) never
  execute; cycle and multiple-definition partners are reported too.
* Redefinitions (DESIGN.md): a name several cells write is a chain ordered by
  display order (``reflow.graph``). The runtime remembers ``writer[x]``, the cell
  whose run last bound, mutated or deleted ``x``; the planner re-runs a reader's
  provider when the namespace holds another cell's version, and re-runs a chain's
  last member so it ends as the writer. Moving or deleting a redefinition re-runs
  (auto) or stales (lazy) the readers it re-binds. ``strict=True`` (``[tool.reflow]
  strict = true``, via ``set_strict``) restores the one-definer rule.
* Disabled cells and cells below them do not run (below: marked stale).
* KeyboardInterrupt: the running cell is ``interrupted``, the rest of the run
  ``cancelled``; the runtime stays usable.
* Caching (``reflow.cache``): a top-level ``with reflow.persistent_cache(...)``
  block whose key matches restores its variables instead of running; the sink's
  optional ``cached(cell_id, saved_seconds)`` hears about it. The cache lives in
  ``cache_dir`` (default ``__reflow__/cache`` beside ``__file__``), at most
  ``cache_max_bytes``; ``clear_cache`` empties it per cell or per notebook.

Single-threaded by design: call it from one thread (the kernel's main thread).
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from reflow.analysis import CellAnalysis, analyze_cell
from reflow.graph import CycleError, DataflowGraph, GraphError, MultipleDefinitionError, UndefinedAboveError

from .executor import CompiledCell, compile_cell, execute
from .naming import CellNumbers
from .planner import doomed_cells, effective_final_writer, plan_run
from .privates import drop_privates
from .star_imports import learn_star_names
from .syntax import syntax_cell_error
from .tracebacks import cell_filename, format_exception, format_syntax_error
from .types import CellError, CellStatus, RuntimeSink
from .variables import VariableInfo, short_repr

Mode = Literal["auto", "lazy"]


class Runtime:
    """Runs notebook cells reactively against one namespace."""

    def __init__(
        self,
        sink: RuntimeSink,
        namespace: dict[str, Any] | None = None,
        mode: Mode = "auto",
        cache_dir: str | os.PathLike[str] | None = None,
        cache_max_bytes: int | None = None,
        strict: bool = False,
        shared_privates: bool = False,
    ) -> None:
        self.sink = sink
        #: ``[tool.reflow] underscore_names = "shared"``: ``_x`` is an ordinary global (Jupyter)
        self.shared_privates = shared_privates
        self.cache_dir = cache_dir  # None: __reflow__/cache beside namespace["__file__"]
        self.cache_max_bytes = cache_max_bytes  # None: REFLOW_CACHE_MAX_BYTES or 1 GiB
        if namespace is None:
            namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.namespace = namespace
        self.mode: Mode = mode
        self.graph = DataflowGraph(strict=strict)
        self._code: dict[str, str] = {}
        self._order: list[str] = []
        self._compiled: dict[str, CompiledCell] = {}
        self._status: dict[str, CellStatus] = {}
        self._stale: set[str] = set()  # namespace does not reflect this cell's code
        self._disabled: set[str] = set()
        self._ran_defs: dict[str, frozenset[str]] = {}  # names each cell put in the namespace
        self._gone: dict[str, str] = {}  # name -> why it is no longer defined
        self._followers: dict[str, set[str]] = {}  # cell -> readers of names it stopped defining
        self._error_cells: dict[str, tuple[str, ...]] = {}  # cells with graph errors at last check
        self._healed: set[str] = set()  # graph errors or providers changed: run next (auto)
        self._failure: dict[str, str] = {}  # cell -> how it last failed ("raised ValueError")
        self._writer: dict[str, str] = {}  # name -> cell whose run last bound/mutated/deleted it
        self._wrote: dict[str, frozenset[str]] = {}  # cell -> names its last run wrote
        self._binder: dict[str, str] = {}  # name -> cell whose run last bound (or deleted) it
        self._staled: set[str] = set()  # cells the last run request staled (lazy mode)
        self._rebound: set[str] = set()  # cells reading a name from another cell since an edit/move
        self._running = False
        #: bumped when a run changes the graph by itself (star-imported names learned): hosts
        #: that show the graph compare it to know when to send it again
        self.graph_revision = 0
        self._pending: list[str] = []
        self._repair_roots: list[str] = []  # versions to restore after a skipped chain member
        self._repaired: set[tuple[str, str]] = set()  # (cell, name) repairs done in this run request
        # Messages name cells by display number (runtime.naming); the kernel and
        # `reflow script` number by the whole notebook's order (markdown included).
        self.cell_numbers = CellNumbers(lambda: self._order)
        bind = getattr(sink, "bind_cell_numbers", None)
        if callable(bind):
            bind(self.cell_numbers)

    # ----- registering code ------------------------------------------------
    def set_cells(self, cells: Sequence[tuple[str, str]]) -> None:
        """Make the runtime's cells exactly ``cells`` (display order); runs nothing."""
        wanted = [cid for cid, _ in cells]
        keep = set(wanted)
        for cid in [c for c in self._code if c not in keep]:
            self._forget(cid)
        for cid, code in cells:
            if self._code.get(cid) != code or cid not in self._code:
                self._register(cid, code)
        self._set_order(wanted)
        self._refresh_errors()

    def edit_cell(self, cell_id: str, code: str) -> None:
        """Register new code; the cell turns stale (unchanged code: no-op)."""
        if cell_id in self._code and self._code[cell_id] == code:
            return
        is_new = cell_id not in self._code
        self._register(cell_id, code)
        if is_new:
            self._set_order([*self._order, cell_id])
        self._refresh_errors()

    def _register(self, cell_id: str, code: str) -> None:
        graph = self.graph
        known = cell_id in graph
        old_writes = graph.writes(cell_id) if known else frozenset()
        old_children = graph.children(cell_id) if known else frozenset()
        analysis = analyze_cell(code, shared_privates=self.shared_privates)
        lost = old_writes - analysis.defs - analysis.mutations - analysis.deleted
        followers: set[str] = set()
        if lost:
            # Cells that read a lost name from this cell now read it elsewhere (or nowhere).
            for child in old_children:
                if graph.edge_names(cell_id, child) & lost:
                    followers.add(child)
        self._code[cell_id] = code
        self._compiled.pop(cell_id, None)
        self.graph.set_cell(cell_id, analysis)
        # Old children it no longer feeds (a `del` that ran after this reader, say) may have
        # been blocked by it: they run again with it, like the cells above.
        followers |= old_children - graph.children(cell_id)
        if followers:
            self._followers.setdefault(cell_id, set()).update(followers)
        self._mark_stale([cell_id])

    def delete_cell(self, cell_id: str) -> None:
        """Remove a cell and its defs; descendants re-run (auto) or turn stale (lazy)."""
        if cell_id not in self._code:
            return
        children = self.graph.children(cell_id)
        writes = self.graph.writes(cell_id) | self._wrote.get(cell_id, frozenset())
        for name in self._ran_defs.get(cell_id, ()):
            if not self.graph.definers(name) - {cell_id}:
                self._gone[name] = f"it was defined by {self.cell_numbers.deleted(cell_id, self._code[cell_id])}"
        self._forget(cell_id)
        from reflow import context as run_context

        run_context.ended("deleted", cell_id)  # what the cell started stops too (reflow.cluster)
        self._set_order([c for c in self._order if c != cell_id])
        self._refresh_errors()
        # Readers re-bound to another version, and chains whose last writer changed.
        affected = set(children) | self._final_writer_fixes(writes)
        self._rerun_or_stale(affected)

    def _final_writer_fixes(self, names: Iterable[str]) -> set[str]:
        """Final writers of ``names`` whose write is not the one in the namespace."""
        fixes = set()
        skip = doomed_cells(self.graph, self.graph.errors())
        for name in names:
            final = effective_final_writer(self.graph, name, skip)
            if final is not None and name in self._writer and self._writer[name] != final:
                fixes.add(final)
        return fixes

    def _rerun_or_stale(self, cells: set[str]) -> None:
        """Cells whose inputs changed without a run: re-run them (auto) or mark them stale."""
        if self.mode == "auto":
            roots = [c for c in self._order if c in cells]
            if roots or self._healed:
                self.run_cells(roots)
        else:
            self.mark_stale(cells)

    def _forget(self, cell_id: str) -> None:
        self._remove_defs(cell_id)
        drop_privates(self.namespace, cell_id)  # privates its functions kept (runtime.privates)
        self.graph.remove_cell(cell_id)
        for table in (self._code, self._compiled, self._status, self._followers, self._failure, self._wrote):
            table.pop(cell_id, None)
        self._stale.discard(cell_id)
        self._disabled.discard(cell_id)
        self._healed.discard(cell_id)

    def set_order(self, cell_ids: Sequence[str]) -> None:
        """New display order; unknown ids are ignored.

        Order-free names only break ties. For chains, readers re-bound to another
        version re-run (auto) or turn stale (lazy), and so does a chain's new last
        member when the namespace holds another cell's write.
        """
        self._set_order(list(cell_ids))
        fixes = self._final_writer_fixes(n for n in self.graph.chain_names() if n in self._writer)
        self._refresh_errors()  # re-bound readers join the next run (auto) or turn stale (lazy)
        self._rerun_or_stale({c for c in fixes if c in self._code})

    def set_strict(self, strict: bool) -> None:
        """``[tool.reflow] strict``: the one-definer rule (True) or redefinition chains (False).

        The graph is rebuilt; cells that ran are re-run (auto) or marked stale
        (lazy), since which version each cell reads may have changed.
        """
        if strict == self.graph.strict:
            return
        self.graph.set_strict(strict)
        self._refresh_errors()
        self._rerun_or_stale({c for c in self._code if c not in self._stale})

    def set_shared_privates(self, shared: bool) -> None:
        """``[tool.reflow] underscore_names``: ``_x`` shared by all cells (True) or private to its cell.

        Every cell is analysed and compiled again; cells that ran re-run (auto) or
        turn stale (lazy), since which cell provides a ``_x`` has changed.
        """
        if shared == self.shared_privates:
            return
        self.shared_privates = shared
        ran = {c for c in self._code if c not in self._stale}
        for cell_id in self._order:
            drop_privates(self.namespace, cell_id)  # renamed privates the cell's functions kept
            self._register(cell_id, self._code[cell_id])
        self._refresh_errors()
        self._rerun_or_stale(ran)

    def _set_order(self, cell_ids: list[str]) -> None:
        order = list(dict.fromkeys(c for c in cell_ids if c in self._code))
        seen = set(order)
        order += [c for c in self._order if c in self._code and c not in seen]
        order += [c for c in self._code if c not in seen and c not in order]
        self._order = order
        self._rebound |= self.graph.set_display_order(order)

    def set_disabled(self, cell_id: str, disabled: bool) -> None:
        """Disabled cells never run; enabling a stale one runs it in auto mode."""
        if cell_id not in self._code:
            return
        if disabled:
            self._disabled.add(cell_id)
            self._set_status(cell_id, "disabled")
            return
        if cell_id not in self._disabled:
            return
        self._disabled.discard(cell_id)
        self._set_status(cell_id, "stale" if cell_id in self._stale else "idle")
        if self.mode == "auto":
            below = [c for c in self.graph.descendants(cell_id) if c in self._stale]
            roots = ([cell_id] if cell_id in self._stale else []) + below
            if roots:
                self.run_cells(roots)

    def set_mode(self, mode: Mode) -> None:
        if mode not in ("auto", "lazy"):
            raise ValueError(f"unknown runtime mode {mode!r}")
        self.mode = mode

    # ----- queries -----------------------------------------------------------
    def cells(self) -> list[str]:
        """Cell ids in display order."""
        return list(self._order)

    def code(self, cell_id: str) -> str:
        return self._code[cell_id]

    def status(self, cell_id: str) -> CellStatus:
        return self._status.get(cell_id, "idle")

    def is_stale(self, cell_id: str) -> bool:
        return cell_id in self._stale

    def stale_cells(self) -> list[str]:
        return [c for c in self._order if c in self._stale]

    def variables(self) -> list[VariableInfo]:
        """The variables panel: every global a cell defined, sorted by name."""
        pos = {c: i for i, c in enumerate(self._order)}
        rows = []
        for cell, names in self._ran_defs.items():
            for name in names:
                if name not in self.namespace or self._binder.get(name, cell) != cell:
                    continue
                value = self.namespace[name]
                users = sorted(self.graph.readers(name) - {cell}, key=lambda c: pos.get(c, 1 << 30))
                rows.append(VariableInfo(name, type(value).__name__, short_repr(value), cell, tuple(users)))
        return sorted(rows, key=lambda r: r.name)

    # ----- running -------------------------------------------------------------
    def run_cells(self, cell_ids: Iterable[str]) -> None:
        """Run the cells, their stale ancestors and (auto mode) their descendants."""
        roots = [c for c in cell_ids if c in self._code]
        if self._running:  # a cell asked for a run (UI value set inside a cell)
            self._pending.extend(roots)
            return
        if self.mode == "auto" and self._healed:
            roots += sorted(self._healed)
            self._healed.clear()
        self._running = True
        self._repaired = set()
        self._staled = set()
        from reflow.cache import settings as cache_settings  # light: os + pathlib

        try:
            with cache_settings.active(lambda: (self.cache_root(), self.cache_max_bytes)):
                self._run(roots)
                while self._pending or self._repair_roots:
                    if self._pending:
                        roots, self._pending = self._pending, []
                        self._run(roots)
                    else:
                        roots, self._repair_roots = self._repair_roots, []
                        self._run(roots, repair=True)
        finally:
            self._running = False
            self._pending = []
            self._repair_roots = []

    def run_all(self) -> None:
        self.run_cells(self._order)

    def run_stale(self) -> None:
        """Run every stale cell. In lazy mode a run can stale cells it re-bound (a chain's
        last member re-runs after a version above it did); those run too, until none is left.
        A cell that failed here runs again only if a later round staled it anew: re-run every
        round, it would re-bind its names and stale their final writer once more, so that the
        last round left that writer stale."""
        failed: set[str] = set()
        rounds: list[set[str]] = []  # the cells each round ran
        for _ in range(len(self._order) + 1):
            todo = [c for c in self._order if c in self._stale and c not in failed]
            if not todo:
                break
            if set(todo) in rounds:
                # rounds that stale each other in turn (a cell reading a name from a cell below it, which
                # itself must follow a version the first one re-binds): run the cycle's cells as one plan,
                # in dependency order, so each one's staling is met by a run after it in the same plan
                cycle = set().union(*rounds[rounds.index(set(todo)) :])
                todo = [c for c in self._order if c in cycle and c not in failed]
            rounds.append(set(todo))
            self.run_cells(todo)  # its plans' staled cells are in self._staled now
            failed = (failed | {c for c in todo if self._status.get(c) == "error"}) - self._staled
            if self.mode == "auto" or not (self._staled & self._stale):
                break

    def _run(self, roots: list[str], repair: bool = False) -> None:
        """Execute one plan. ``repair``: only restore a version (the roots and the providers
        they need run; nothing is re-run or staled below them -- their values are unchanged)."""
        plan = plan_run(
            self.graph,
            roots,
            mode="lazy" if repair else self.mode,
            stale=self._stale,
            disabled=self._disabled,
            followers={} if repair else self._followers,
            writer=self._writer,
            wrote=self._wrote,
            run_finals=repair,
        )
        if repair:
            plan.to_stale = set()
        self._staled |= {c for c in plan.to_stale if c in self._code}
        for cell in plan.order:
            self._set_status(cell, "queued", force=True)
        for cell in plan.order:
            self._followers.pop(cell, None)
            self._remove_defs(cell)
        for cell in plan.blocked:
            self._stale.add(cell)
            self._set_status(cell, "disabled" if cell in self._disabled else "stale")
        ran: list[str] = []
        skipped: list[str] = []  # planned cells that did not execute (errors, failed ancestors)
        failed: dict[str, str] = {}  # cell -> the failed cell it descends from (or itself)
        errors = self.graph.errors()
        index = 0
        try:
            while index < len(plan.order):
                cell = plan.order[index]
                index += 1
                error = self._blocking_error(cell, failed, errors)
                if error is not None:
                    self._fail(cell, error, failed, origin=error.cells[0] if error.kind == "ancestor-error" else cell)
                    skipped.append(cell)
                    continue
                outcome = self._execute(cell)
                ran.append(cell)
                if outcome == "interrupted":
                    break
                if outcome == "error":
                    self._propagate(cell, failed)
        except KeyboardInterrupt:  # outside the cell's code (e.g. in a sink call)
            current = plan.order[index - 1] if index else None
            if current is not None and self._status.get(current) == "running":
                self._stale.add(current)
                self._set_status(current, "interrupted")
        for cell in plan.order[index:]:
            self._stale.add(cell)
            self._set_status(cell, "cancelled")
        for cell in plan.to_stale:
            if cell in self._code:
                self._stale.add(cell)
                self._set_status(cell, "disabled" if cell in self._disabled else "stale")
        self._repair_roots.extend(self._repairs(plan.order, skipped))
        self.sink.run_finished(ran)

    def _repairs(self, order: list[str], skipped: list[str]) -> list[str]:
        """A planned cell that did not execute (graph error, failed ancestor) leaves an old
        write, or nothing, where a top-to-bottom run has the write of the last member that
        does execute: for each name the plan touched, that member runs again (repair run)."""
        if not skipped:
            return []
        cannot = set(skipped) | doomed_cells(self.graph, self.graph.errors())
        names: set[str] = set()
        for cell in order:
            names |= self._wrote.get(cell, frozenset())
            if cell in self.graph:
                names |= self.graph.writes(cell)
        repairs: list[str] = []
        for name in names:
            expected = effective_final_writer(self.graph, name, cannot)
            if expected is None or self._writer.get(name) == expected or (expected, name) in self._repaired:
                continue
            self._repaired.add((expected, name))  # once per run request: no ping-pong
            repairs.append(expected)
        return [c for c in dict.fromkeys(repairs) if c in self._code]

    def _blocking_error(
        self, cell: str, failed: dict[str, str], errors: Mapping[str, list[GraphError]]
    ) -> CellError | None:
        """Why ``cell`` cannot execute now: its own errors first, then a failed ancestor."""
        graph_errors = errors.get(cell)
        if graph_errors:
            first = graph_errors[0]
            if isinstance(first, MultipleDefinitionError):
                others = tuple(
                    dict.fromkeys(c for e in graph_errors if isinstance(e, MultipleDefinitionError) for c in e.cells)
                )
                message = "; ".join(
                    self.cell_numbers.graph_error(e) for e in graph_errors if isinstance(e, MultipleDefinitionError)
                )
                return CellError("multiple-definition", message, cells=others)
            cycle = next((e for e in graph_errors if isinstance(e, CycleError)), None)
            if cycle is not None:
                return CellError("cycle", self.cell_numbers.graph_error(cycle), cells=cycle.cells)
            undefined = [e for e in graph_errors if isinstance(e, UndefinedAboveError)]
            if undefined:  # what Python itself would raise running top to bottom
                below = tuple(dict.fromkeys(c for e in undefined for c in e.cells))
                message = "NameError: " + "; ".join(self.cell_numbers.graph_error(e) for e in undefined)
                return CellError("exception", message, ename="NameError", cells=below)
        analysis = self.graph.analysis(cell)
        if analysis.error is not None:
            err = analysis.error
            where = f"line {err.lineno}: " if err.lineno else ""
            if err.kind == "syntax":  # one error, worded like Python's: the line and a caret
                fallback = f"{where}{err.message}"
                return syntax_cell_error(self._code[cell], cell_filename(cell), fallback, self.cell_numbers.humanize)
            return CellError(err.kind, f"{where}{err.message}")
        if cell in failed:
            origin = failed[cell]
            return CellError(
                kind="ancestor-error",
                message=f"not run: ancestor {self.cell_numbers.cell(origin)} {self._failure_phrase(origin)}",
                cells=(origin,),
            )
        return None

    def _failure_phrase(self, origin: str) -> str:
        status = self._status.get(origin)
        reason = self._failure.get(origin)
        if status == "interrupted":
            return "was interrupted"
        return reason or "failed"

    def _fail(self, cell: str, error: CellError, failed: dict[str, str], origin: str) -> None:
        self.sink.clear(cell)
        self._stale.add(cell)
        self._set_status(cell, "ancestor-error" if error.kind == "ancestor-error" else "error")
        self.sink.error(cell, error)
        if error.kind != "ancestor-error":
            self._remember_failure(cell, error)
        self._propagate(cell, failed, origin)

    def _remember_failure(self, cell: str, error: CellError) -> None:
        phrases = {
            "exception": f"raised {error.ename}",
            "syntax": "has a syntax error",
            "star-import": "uses `import *`",
            "multiple-definition": "defines a name another cell defines",
            "cycle": "is in a dependency cycle",
        }
        self._failure[cell] = phrases.get(error.kind, "failed")

    def _propagate(self, cell: str, failed: dict[str, str], origin: str | None = None) -> None:
        origin = origin or cell
        failed.setdefault(cell, origin)
        for d in self.graph.descendants(cell):
            failed.setdefault(d, origin)

    def _emitter(self, cell: str) -> Callable[[str, str], None]:
        """Where the cell's prints go: the sink's own emitter when it has one (fast streams, kernel/sink.py)."""
        emitter = getattr(self.sink, "emitter", None)
        if callable(emitter):
            return emitter(cell)  # type: ignore[no-any-return]
        return lambda name, text: self.sink.stream(cell, name, text)  # type: ignore[arg-type]

    def _execute(self, cell: str) -> Literal["ok", "error", "interrupted"]:
        compiled = self._compiled.get(cell)
        if compiled is None:
            compiled = self._compiled[cell] = compile_cell(cell, self._code[cell], shared_privates=self.shared_privates)
        self.sink.clear(cell)
        self._set_status(cell, "running")
        analysis: CellAnalysis = self.graph.analysis(cell)
        if compiled.syntax_error is not None:  # found only by the compiler ('return' outside function)
            exc = compiled.syntax_error
            error = CellError(
                "syntax",
                exc.msg or str(exc),
                self.cell_numbers.humanize(format_syntax_error(exc)),
                type(exc).__name__,
            )
            self._stale.add(cell)
            self._set_status(cell, "error")
            self.sink.error(cell, error)
            self._remember_failure(cell, error)
            return "error"
        # --- reflow.ui/state/stop: the running cell is known to element ids and setters ---
        from reflow import context as run_context

        # Names its functions read that only cells below bind: a fresh run has not bound
        # them yet, so the cell runs without them (reflow.graph.graph, "Deferred reads").
        hidden = {n: self.namespace.pop(n) for n in self.graph.late_reads(cell) if n in self.namespace}
        later = self._later_versions(cell, analysis.defs)
        try:
            with run_context.running(self, cell):
                result = execute(
                    compiled,
                    self.namespace,
                    self._emitter(cell),
                    analysis.privates,
                    self._block_runner(cell) if compiled.segments is not None else None,
                )
        finally:
            for name, value in hidden.items():
                self.namespace.setdefault(name, value)
        analysis = self._learn_star_names(cell, analysis)  # first: its star names are writes too
        self._record_writes(cell)
        if result.exception is not None and getattr(result.exception, "reflow_stop", False):
            return self._stopped(cell, analysis, result.exception, later)
        # --- end reflow.ui hook ---
        if result.interrupted:
            run_context.ended("interrupted", cell)  # what the cell started stops too (reflow.cluster)
            self._remove_failed_defs(cell, analysis.defs, later)
            self._stale.add(cell)
            self._set_status(cell, "interrupted")
            self.sink.error(
                cell,
                CellError(
                    "interrupted", "interrupted (KeyboardInterrupt); run the cell again", None, "KeyboardInterrupt"
                ),
            )
            return "interrupted"
        if result.exception is not None:
            failure = result.exception
            self._remove_failed_defs(cell, analysis.defs, later)
            message = self._explain(failure)
            error = CellError(
                "exception", message, self.cell_numbers.humanize(format_exception(failure)), type(failure).__name__
            )
            self._stale.add(cell)
            self._set_status(cell, "error")
            self.sink.error(cell, error)
            self._remember_failure(cell, error)
            return "error"
        self._ran_defs[cell] = analysis.defs
        for name in analysis.defs:
            self._gone.pop(name, None)
        self._stale.discard(cell)
        if result.has_value and result.value is not None:
            self.sink.output(cell, result.value)
        self._set_status(cell, "idle")
        return "ok"

    def _learn_star_names(self, cell: str, analysis: CellAnalysis) -> CellAnalysis:
        """``from m import *`` ran: its names join the cell's defs (runtime.star_imports).

        Cells that now read from this cell and are not queued in this run re-run
        after it (auto) or turn stale (lazy).
        """
        if not analysis.star_imports:
            return analysis
        before = self.graph.children(cell)
        learned = learn_star_names(
            self.graph, cell, self._code[cell], self.namespace, shared_privates=self.shared_privates
        )
        if learned is None:
            return analysis
        self.graph_revision += 1
        self._refresh_errors()
        # Its new names are its writes; a later cell redefining one must write it last again.
        self._record_writes(cell)
        fixes = self._final_writer_fixes(learned.defs - analysis.defs)
        newcomers = [
            c
            for c in self._order
            if (c in self.graph.children(cell) - before or c in fixes) and self._status.get(c) != "queued"
        ]
        if self.mode == "auto":
            self._pending.extend(newcomers)
        else:
            self._mark_stale(newcomers)
        return learned

    def _record_writes(self, cell: str) -> None:
        """The cell ran (whatever the outcome): it is now the writer of what it writes."""
        writes = self.graph.writes(cell)
        self._wrote[cell] = writes
        for name in writes:
            self._writer[name] = cell
        node = self.graph.analysis(cell)
        for name in node.defs:  # bound, or removed by the failure handling
            self._binder[name] = cell
        namespace = self.namespace
        for name in node.deleted:  # a failing cell may not have reached its `del`
            if name not in namespace:
                self._binder[name] = cell

    def _stopped(
        self, cell: str, analysis: CellAnalysis, exc: BaseException, later: dict[str, tuple[str, object]]
    ) -> Literal["error"]:
        """``reflow.stop``: show its output, no error; descendants report the stop."""
        self._remove_failed_defs(cell, analysis.defs, later)
        output = getattr(exc, "output", None)
        if output is not None:
            self.sink.output(cell, output)
        self._failure[cell] = "was stopped with reflow.stop"
        self._set_status(cell, "idle")
        return "error"

    def mark_stale(self, cell_ids: Iterable[str]) -> None:
        """Lazy mode's answer to a changed input: the cells and their descendants turn stale."""
        cells = {c for c in cell_ids if c in self._code}
        cells |= self.graph.descendants_of(cells)
        self._mark_stale(c for c in self._order if c in cells)

    def _explain(self, exc: BaseException) -> str:
        """One-line message; a NameError says why the name is missing when we know."""
        name = getattr(exc, "name", None) if isinstance(exc, NameError) else None
        if isinstance(name, str) and name:
            if name in self._gone:
                note = f"name '{name}' is no longer defined ({self._gone[name]})"
                exc.add_note(note)
                return f"NameError: {note}"
            if not self.graph.definers(name) and not hasattr(builtins, name):
                note = f"no cell defines '{name}'"
                exc.add_note(note)
        text = str(exc).splitlines()[0] if str(exc) else ""
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

    # ----- caching -------------------------------------------------------------------
    def cache_root(self) -> Path:
        """Where persistent caches go: ``cache_dir``, else beside the notebook's ``__file__``."""
        if self.cache_dir is not None:
            return Path(self.cache_dir)
        from reflow.cache import settings as cache_settings

        return cache_settings.default_root(self.namespace)

    def clear_cache(self, cell_id: str | None = None) -> int:
        """Empty the persistent (and in-memory) caches of one cell, or of the whole notebook.

        Returns how many entries were deleted from disk.
        """
        from reflow.cache.cleanup import clear_all, clear_for_code

        if cell_id is None:
            return clear_all(self.cache_root(), self.namespace.get("__name__", "__main__"))
        if cell_id not in self._code:
            return 0
        return clear_for_code(self._code[cell_id], self.cache_root(), self.namespace.get("__name__", "__main__"))

    def _block_runner(self, cell: str) -> Any:
        """Run a persistent-cache block of ``cell``, telling the sink about a restore."""
        from reflow.cache.blocks import BlockContext, run_block
        from reflow.cache.keys import ancestor_digests

        def on_hit(seconds: float) -> None:
            notify = getattr(self.sink, "cached", None)
            if notify is not None:
                notify(cell, seconds)

        context = BlockContext(
            ancestors=lambda: ancestor_digests(self.graph, self._code.__getitem__, cell), on_hit=on_hit
        )
        return lambda spec, namespace, emit: run_block(spec, namespace, emit, context)

    # ----- namespace bookkeeping ---------------------------------------------------
    def _remove_defs(self, cell: str) -> None:
        """Drop what the cell put in the namespace; note names it no longer defines."""
        old = self._ran_defs.pop(cell, frozenset())
        current = self.graph.analysis(cell).defs if cell in self.graph else frozenset()
        for name in old - current:
            if not self.graph.definers(name):
                self._gone.setdefault(name, f"{self.cell_numbers.cell(cell)} no longer defines it")
        # Another cell's later binding of a redefined name is not this cell's to remove
        # (a later mutation of this cell's object is: the object goes with the cell).
        binder = self._binder
        self._remove_names(cell, [n for n in old | current if binder.get(n, cell) == cell])

    def _later_versions(self, cell: str, names: Iterable[str]) -> dict[str, tuple[str, object]]:
        """Names ``cell`` defines whose value in the namespace a cell *below* it bound: name ->
        (that cell, the value). Taken before ``cell`` runs, for ``_remove_failed_defs``."""
        binder, namespace = self._binder, self.namespace
        found = {n: binder[n] for n in names if n in namespace and binder.get(n, cell) != cell}
        if not found:
            return {}
        pos = {c: i for i, c in enumerate(self._order)}
        here = pos.get(cell, -1)
        return {n: (b, namespace[n]) for n, b in found.items() if pos.get(b, -1) > here}

    def _remove_failed_defs(self, cell: str, names: Iterable[str], later: dict[str, tuple[str, object]]) -> None:
        """A cell that failed (or was stopped) takes its names out of the namespace -- but not a
        later version a cell below it bound, which it did not touch: top to bottom, that cell runs
        after this one, so its value is the one that stands (the failing cell leaves it alone)."""
        namespace = self.namespace
        for name in names:
            kept = later.get(name)
            if kept is not None and name in namespace and namespace[name] is kept[1]:
                self._binder[name] = kept[0]  # still that cell's value
                continue
            namespace.pop(name, None)
        self._ran_defs.pop(cell, None)

    def _remove_names(self, cell: str, names: Iterable[str]) -> None:
        for name in names:
            self.namespace.pop(name, None)
        self._ran_defs.pop(cell, None)

    def _mark_stale(self, cells: Iterable[str]) -> None:
        for cell in cells:
            self._stale.add(cell)
            self._set_status(cell, "disabled" if cell in self._disabled else "stale")

    def _refresh_errors(self) -> None:
        """Cells whose graph errors appeared, changed or went away, and cells re-bound to
        another provider (a chain formed or moved), run next time (auto) or turn stale (lazy):
        an edit of one cell can change what other cells read."""
        now = {c: tuple(map(repr, errs)) for c, errs in self.graph.errors().items()}
        before = self._error_cells
        changed = {c for c in now.keys() | before.keys() if now.get(c) != before.get(c)}
        changed |= self._rebound | self.graph.take_rebound()
        self._rebound = set()
        self._error_cells = now
        changed = {c for c in changed if c in self._code}
        if self.mode == "auto":
            self._healed |= changed
        elif changed:
            self.mark_stale(changed)

    def _set_status(self, cell: str, status: CellStatus, force: bool = False) -> None:
        if force or self._status.get(cell) != status:
            self._status[cell] = status
            self.sink.status(cell, status)
