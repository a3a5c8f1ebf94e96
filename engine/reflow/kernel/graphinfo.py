"""The protocol's ``graph`` message, built from the runtime's dataflow graph."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reflow.runtime.naming import CellNumbers

_KINDS = {
    "MultipleDefinitionError": "multiple-definition",
    "CycleError": "cycle",
    "UndefinedAboveError": "undefined-above",  # a redefined name read above all its definers
}


@lru_cache(maxsize=8192)
def analysis_of(code: str) -> Any:
    """Static analysis of one cell's code, cached by text (cells rarely change)."""
    from reflow.analysis import analyze_cell

    return analyze_cell(code)


def _graph_error(err: Any, numbers: CellNumbers | None) -> dict[str, Any]:
    kind = _KINDS.get(type(err).__name__, "exception")
    cells = getattr(err, "cells", ()) or ()
    message = numbers.graph_error(err) if numbers is not None else str(getattr(err, "message", err))
    return {"kind": kind, "message": message, "cells": list(cells)}


def _analysis_error(err: Any, cell_id: str, code: str, numbers: CellNumbers) -> dict[str, Any]:
    """A cell's static error; a syntax error is worded exactly as the run reports it (line, caret),
    so the UI, which shows a static error and the run's error output once, shows one."""
    static = {"kind": err.kind, "message": err.message, "cells": [], "lineno": err.lineno, "col": err.col}
    if err.kind == "syntax":
        where = f"line {err.lineno}: " if err.lineno else ""  # as the runtime words what has no caret
        error = _syntax_error(code, cell_id, f"{where}{err.message}")
        static.update(message=error.message, ename=error.ename)
        if error.traceback:
            static["traceback"] = numbers.humanize(error.traceback)
    return static


@lru_cache(maxsize=1024)
def _syntax_error(code: str, cell_id: str, fallback: str) -> Any:
    from reflow.runtime.syntax import syntax_cell_error
    from reflow.runtime.tracebacks import cell_filename

    return syntax_cell_error(code, cell_filename(cell_id), fallback)


def _inputs(graph: Any, cid: str, parents: frozenset[str], rank: dict[str, int]) -> dict[str, list[str]]:
    """Name -> the cells whose binding of it ``cid`` reads (a chain's nearest writer above; in display order)."""
    inputs: dict[str, list[str]] = {}
    for parent in sorted(parents, key=lambda c: rank.get(c, len(rank))):
        for name in sorted(graph.edge_names(parent, cid)):
            inputs.setdefault(name, []).append(parent)
    return inputs


def graph_message(
    graph: Any, order: list[str], code: dict[str, str], numbers: CellNumbers | None = None
) -> dict[str, Any]:
    """defs/refs/parents/children/static errors of every code cell, and order validity.

    ``numbers`` words graph errors with cell numbers (the runtime's ``cell_numbers``);
    without it they are numbered by ``order``.
    """
    if numbers is None:
        numbers = CellNumbers(lambda: order)
    errors = graph.errors()
    rank = {c: i for i, c in enumerate(order)}
    cells: dict[str, Any] = {}
    for cid in order:
        info = graph.analysis(cid) if cid in graph else analysis_of(code[cid])
        errs = [_analysis_error(info.error, cid, code[cid], numbers)] if info.error is not None else []
        errs += [_graph_error(e, numbers) for e in errors.get(cid, [])]
        parents = graph.parents(cid)
        cells[cid] = {
            "defs": sorted(info.defs),
            "refs": sorted(info.refs),
            "parents": sorted(parents),
            "children": sorted(graph.children(cid)),
            "errors": errs,
            "inputs": _inputs(graph, cid, parents, rank),
            "hints": sorted(info.method_mutation_hints),
        }
    try:
        order_valid = not graph.display_order_violations()
    except Exception:
        order_valid = True
    return {"type": "graph", "cells": cells, "order_valid": order_valid}
