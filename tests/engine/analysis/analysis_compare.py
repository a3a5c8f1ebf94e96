"""Compare Reflow's analysis of a cell with marimo's, after normalising the
intentional differences documented in `reflow.analysis` (test + benchmark helper).

Normalisation is by rule, never by cell:
* builtins are dropped from marimo's refs (Reflow reports them apart);
* private names (`_x`, marimo's mangled `_cell_<id>_x`) are dropped from marimo's
  refs (Reflow never lists them);
* targets of top-level `x += ...` are compared without refs (Reflow: ref + def,
  marimo: def only);
* names given only a bare top-level annotation (`x: int`) are compared without
  defs (Reflow: not bound, marimo: a def).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from reflow.analysis import BUILTINS, analyze_cell, is_private


@dataclass
class Outcome:
    """One analyzer's normalised view of a cell."""

    error: bool
    defs: frozenset[str]
    refs: frozenset[str]


def _top_level_statements(tree: ast.Module):  # type: ignore[no-untyped-def]
    """Statements run at cell level: descends into if/for/while/try/with, not defs."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            stack.extend(getattr(node, field, ()) or ())


def difference_names(source: str) -> tuple[set[str], set[str]]:
    """(aug-assigned names, bare-annotated names) at cell level: compared leniently."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set(), set()
    aug: set[str] = set()
    bare: set[str] = set()
    for node in _top_level_statements(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            aug.add(node.target.id)
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is None
            and isinstance(node.target, ast.Name)
        ):
            bare.add(node.target.id)
    return aug, bare


def reflow_outcome(source: str) -> Outcome:
    result = analyze_cell(source)
    return Outcome(result.error is not None, result.defs, result.refs)


def marimo_outcome(source: str, cell_id: str = "c") -> Outcome:
    from marimo._ast.compiler import compile_cell

    try:
        cell = compile_cell(source, cell_id=cell_id)
    except (SyntaxError, ValueError):  # ImportStarError is a SyntaxError
        return Outcome(True, frozenset(), frozenset())
    refs = frozenset(
        name
        for name in cell.refs
        if name not in BUILTINS and not is_private(name) and not name.startswith("_cell_")
    )
    defs = frozenset(name for name in cell.defs if not is_private(name))
    return Outcome(False, defs, refs)


def agree(source: str, ours: Outcome, theirs: Outcome) -> bool:
    """Same error-ness, and the same defs and refs once documented differences are set aside."""
    if ours.error or theirs.error:
        return ours.error == theirs.error
    aug, bare = difference_names(source)
    return ours.defs - bare == theirs.defs - bare and ours.refs - aug == theirs.refs - aug
