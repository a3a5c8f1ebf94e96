"""The coded rules of `reflow check`: each problem has a stable code, a severity, a line and a message.

Codes never change meaning once published (docs/check.md lists them all; a test fails when a
code has no entry there). Errors stop `python nb.py` or the app from running the notebook as
written; warnings are reported but do not fail the check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from reflow.analysis.names import is_private
from reflow.graph import CycleError, MultipleDefinitionError, UndefinedAboveError
from reflow.runtime.syntax import syntax_report

from ._load import LoadedNotebook

Severity = Literal["error", "warning"]

RULES: dict[str, tuple[Severity, str]] = {
    "RF000": ("error", "the file cannot be read as a notebook"),
    "RF001": ("error", "syntax error in a cell"),
    "RF002": ("error", "a name is defined by more than one cell (strict mode only)"),
    "RF003": ("error", "cells form a cycle"),
    "RF004": ("error", "a cell reads a name that a later cell defines (cells out of execution order)"),
    "RF005": ("warning", "a private name (_x) is bound and never used in its cell"),
    "RF006": ("error", "a cell reads a redefined name that has no definition above it"),
    "RF007": ("error", "an SQL cell has no valid result name"),
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where (file line, cell), what (code, message) and whether `--fix` can repair it."""

    code: str
    line: int
    message: str
    cell_id: str | None = None
    fixable: bool = False

    @property
    def severity(self) -> Severity:
        return RULES[self.code][0]

    def to_json(self, path: str) -> dict[str, object]:
        """The `--format json` shape (documented in docs/check.md)."""
        return {
            "path": path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fixable,
        }


def diagnostics(nb: LoadedNotebook) -> list[Diagnostic]:
    """Every problem of a loaded notebook, in file order."""
    found = _analysis_problems(nb) + _graph_problems(nb) + _unused_privates(nb)
    return sorted(found, key=lambda d: (d.line, d.code, d.message))


def _analysis_problems(nb: LoadedNotebook) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for cell_id, analysis in nb.analyses.items():
        cell = nb.notebook.cell(cell_id)
        if cell_id in nb.sql_errors:
            found.append(Diagnostic("RF007", max(nb.code_line(cell_id) - 1, 1), nb.sql_errors[cell_id], cell_id))
            continue
        err = analysis.error
        if err is None:
            continue
        message = f"{err.kind} error: {err.message}"
        if err.kind == "syntax":  # the offending line and a caret under it, as Python prints them
            report = syntax_report(cell.source)
            message += f"\n{report.excerpt}" if report is not None and report.excerpt else ""
        found.append(Diagnostic("RF001", nb.code_line(cell_id, err.lineno), message, cell_id))
    return found


def _graph_problems(nb: LoadedNotebook) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen_cycles: set[frozenset[str]] = set()
    for cell_id, errors in nb.graph.errors().items():
        line = nb.code_line(cell_id)
        for error in errors:
            if isinstance(error, UndefinedAboveError):
                below = ", ".join(f"line {nb.code_line(c)}" for c in error.cells)
                message = (
                    f"reads '{error.name}', which is defined only below ({below}); move a definition above this cell"
                )
                found.append(Diagnostic("RF006", line, message, cell_id))
            elif isinstance(error, MultipleDefinitionError):
                others = ", ".join(f"line {nb.code_line(c)}" for c in error.cells)
                found.append(
                    Diagnostic(
                        "RF002", line, f"'{error.name}' is defined by more than one cell (also {others})", cell_id
                    )
                )
            elif isinstance(error, CycleError):
                key = frozenset(error.cells)
                if key in seen_cycles:
                    continue
                seen_cycles.add(key)
                path = " -> ".join(f"line {nb.code_line(src)} ({', '.join(names)})" for src, names, _ in error.edges)
                message = f"cells form a cycle: {path} -> line {nb.code_line(error.cells[0])}"
                found.append(Diagnostic("RF003", line, message, cell_id))
    in_cycle = {cell for cycle in seen_cycles for cell in cycle}
    for violation in nb.graph.display_order_violations():
        if violation.cell in in_cycle:
            continue  # sorting cannot fix a cycle; the cycle error already says it
        later = ", ".join(f"line {nb.code_line(c)}" for c in violation.defined_by)
        names = ", ".join(f"'{n}'" for n in violation.names)
        message = (
            f"reads {names} defined by a later cell ({later}); "
            f"`reflow check --fix` (or `reflow sort {nb.path}`) puts the cells in execution order"
        )
        found.append(Diagnostic("RF004", nb.code_line(violation.cell), message, violation.cell, fixable=not in_cycle))
    return found


# --- RF005: unused private names --------------------------------------------------------------


@dataclass(frozen=True)
class UnusedPrivate:
    """A top-level private binding nothing in its cell reads; ``removable`` lines when deleting it is safe."""

    name: str
    lineno: int  # 1-based line in the cell
    removable: tuple[int, int] | None  # (first, last) cell lines of the statement, if removing it is safe


def unused_privates(source: str) -> list[UnusedPrivate]:
    """Private names bound by a top-level assignment, def or import and never read in the cell.

    Loop, ``with`` and unpacking targets are left alone (``for _i in ...`` is the usual way to
    say "unused"). A statement is removable only when it binds just that name, runs no code
    when removed (a literal, a name, a container of those, a plain ``def`` with such defaults)
    and shares its lines with no other statement.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    loads: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            loads.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            loads.update(node.names)  # a function re-binding it counts as a use
    line_owners: dict[int, int] = {}
    for stmt in tree.body:
        for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
            line_owners[line] = line_owners.get(line, 0) + 1
    found: list[UnusedPrivate] = []
    for stmt in tree.body:
        for name, safe in _private_bindings(stmt):
            if name in loads or name in {"_", "__"} or not is_private(name):
                continue
            first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
            last = stmt.end_lineno or stmt.lineno
            alone = all(line_owners.get(line) == 1 for line in range(first, last + 1))
            found.append(UnusedPrivate(name, stmt.lineno, (first, last) if safe and alone else None))
    return found


def _private_bindings(stmt: ast.stmt) -> list[tuple[str, bool]]:
    """(name, removing the statement is safe) for the names a top-level statement binds plainly."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return [(stmt.targets[0].id, _pure(stmt.value))]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return [(stmt.target.id, _pure(stmt.value) and _pure(stmt.annotation))]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = stmt.args
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        annotations_free = all(a.annotation is None for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]) and (
            stmt.returns is None
        )
        safe = not stmt.decorator_list and all(_pure(d) for d in defaults) and annotations_free
        return [(stmt.name, safe)]
    if isinstance(stmt, ast.ClassDef):
        return [(stmt.name, False)]  # the class body runs code
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [((alias.asname or alias.name).split(".")[0], False) for alias in stmt.names]  # imports run code
    return []


def _pure(node: ast.expr) -> bool:
    """Evaluating this expression cannot run user code or fail (literals and names)."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_pure(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _pure(k) and _pure(v) for k, v in zip(node.keys, node.values, strict=True))
    return False


def _unused_privates(nb: LoadedNotebook) -> list[Diagnostic]:
    if nb.shared_privates:
        return []  # underscore_names = "shared": _x is an ordinary global other cells may read
    found: list[Diagnostic] = []
    for cell_id, analysis in nb.analyses.items():
        if analysis.error is not None or cell_id in nb.sql_errors or cell_id in nb.sql_cells:
            continue
        for unused in unused_privates(nb.notebook.cell(cell_id).source):
            fix = " (`--fix` removes it)" if unused.removable else ""
            message = f"private name '{unused.name}' is bound and never used in its cell{fix}"
            found.append(
                Diagnostic(
                    "RF005", nb.code_line(cell_id, unused.lineno), message, cell_id, unused.removable is not None
                )
            )
    return found
