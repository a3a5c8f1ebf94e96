"""`reflow check nb.py …`: report what would stop a notebook from running.

Prints one ``file:line: error: message`` per problem (syntax errors, star
imports, cycles, cells that read a name a later cell defines, reads of a
redefined name with no definition above; names defined by more than one cell
only under ``[tool.reflow] strict = true``) and exits 1 when there is any, so it
fits editors and CI. Redefinitions are not errors: a reader reads the nearest
definition above it, as ``python nb.py`` does.
"""

from __future__ import annotations

import argparse

from reflow.graph import CycleError, MultipleDefinitionError, UndefinedAboveError
from reflow.runtime.syntax import syntax_report

from ._load import LoadedNotebook, load_or_report


def problems(nb: LoadedNotebook) -> list[tuple[int, str]]:
    """Every problem as (file line, message), in file order."""
    found: list[tuple[int, str]] = []
    for cell_id, analysis in nb.analyses.items():
        if analysis.error is not None:
            err = analysis.error
            message = f"{err.kind} error: {err.message}"
            if err.kind == "syntax":  # the offending line and a caret under it, as Python prints them
                report = syntax_report(nb.notebook.cell(cell_id).source)
                message += f"\n{report.excerpt}" if report is not None and report.excerpt else ""
            found.append((nb.code_line(cell_id, err.lineno), message))
    seen_cycles: set[frozenset[str]] = set()
    for cell_id, errors in nb.graph.errors().items():
        for error in errors:
            if isinstance(error, UndefinedAboveError):
                below = ", ".join(f"line {nb.code_line(c)}" for c in error.cells)
                found.append(
                    (
                        nb.code_line(cell_id),
                        f"reads '{error.name}', which is defined only below ({below}); "
                        f"move a definition above this cell",
                    )
                )
            elif isinstance(error, MultipleDefinitionError):
                others = ", ".join(f"line {nb.code_line(c)}" for c in error.cells)
                found.append(
                    (nb.code_line(cell_id), f"'{error.name}' is defined by more than one cell (also {others})")
                )
            elif isinstance(error, CycleError):
                key = frozenset(error.cells)
                if key in seen_cycles:
                    continue
                seen_cycles.add(key)
                path = " -> ".join(f"line {nb.code_line(src)} ({', '.join(names)})" for src, names, _ in error.edges)
                found.append(
                    (nb.code_line(cell_id), f"cells form a cycle: {path} -> line {nb.code_line(error.cells[0])}")
                )
    in_cycle = {cell for cycle in seen_cycles for cell in cycle}
    for violation in nb.graph.display_order_violations():
        if violation.cell in in_cycle:
            continue  # sorting cannot fix a cycle; the cycle error already says it
        later = ", ".join(f"line {nb.code_line(c)}" for c in violation.defined_by)
        names = ", ".join(f"'{n}'" for n in violation.names)
        found.append(
            (
                nb.code_line(violation.cell),
                f"reads {names} defined by a later cell ({later}); "
                f"`reflow sort {nb.path}` puts the cells in execution order",
            )
        )
    return sorted(found)


def run(args: argparse.Namespace) -> int:
    """Check every named notebook; 0 when all are clean, 1 otherwise."""
    status = 0
    for path in args.notebooks:
        nb = load_or_report(path)
        if nb is None:
            status = 1
            continue
        for line, message in problems(nb):
            print(f"{path}:{line}: error: {message}")
            status = 1
    return status
