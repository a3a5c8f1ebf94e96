"""Names a cell binds for sure at top level, whatever path its code takes.

``if c: x = 1`` binds x only when c is true; otherwise x keeps the value a cell above
gave it. The graph needs to know (``CellAnalysis.maybe_defs``): a cell that may leave
a redefined name alone reads the previous version, so re-running it restores that
version first, as a fresh top-to-bottom run has it.

The rule is conservative where it must be and simple elsewhere: ``if``/``else``,
``try``/``except`` and ``match`` bind what every path binds; ``while`` bodies,
``for`` bodies and names bound through ``global`` in a function bind nothing for
sure. A ``for`` loop's target counts as bound (an empty loop is rare; treating every
loop variable as a read would chain every ``for i`` cell to the one above).
Exceptions escaping a statement end the cell, so they need no path of their own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

_BRANCHING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match, ast.With, ast.AsyncWith)


def may_bind_conditionally(body: list[ast.stmt], source: str) -> bool:
    """Cheap pre-check: only branching statements and ``global`` can leave a def unbound."""
    return "global" in source or any(isinstance(s, _BRANCHING) or type(s).__name__ == "TryStar" for s in body)


def surely_bound(body: Iterable[ast.stmt]) -> set[str]:
    """Top-level names every path through ``body`` that finishes binds."""
    bound: set[str] = set()
    for statement in body:
        bound |= _statement(statement)
    return bound


def _targets(node: ast.AST) -> set[str]:
    """Names a target (or any expression, for walrus) binds when it is evaluated."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
        elif isinstance(sub, ast.NamedExpr):
            names.add(sub.target.id)
    return names


def _all_paths(paths: list[set[str]]) -> set[str]:
    if not paths:
        return set()
    common = paths[0]
    for path in paths[1:]:
        common = common & path
    return common


def _statement(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, ast.If):
        return _expression_names(node.test) | (surely_bound(node.body) & surely_bound(node.orelse))
    if isinstance(node, ast.While):
        return _expression_names(node.test)
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return _targets(node.target) | _expression_names(node.iter)
    if isinstance(node, (ast.With, ast.AsyncWith)):
        names = surely_bound(node.body)
        for item in node.items:
            names |= _expression_names(item.context_expr)
            if item.optional_vars is not None:
                names |= _targets(item.optional_vars)
        return names
    if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
        try_node: ast.Try = node  # type: ignore[assignment]  # TryStar has the same fields
        normal = surely_bound(try_node.body) | surely_bound(try_node.orelse)
        handlers = [surely_bound(h.body) for h in try_node.handlers]
        return _all_paths([normal, *handlers]) | surely_bound(try_node.finalbody)
    if isinstance(node, ast.Match):
        last = node.cases[-1].pattern if node.cases else None
        if not (isinstance(last, ast.MatchAs) and last.pattern is None):
            return _expression_names(node.subject)  # no catch-all case: maybe none runs
        return _expression_names(node.subject) | _all_paths(
            [_targets(case.pattern) | _pattern_names(case.pattern) | surely_bound(case.body) for case in node.cases]
        )
    if isinstance(node, ast.Delete):
        return set()
    return _targets(node)  # Assign, AugAssign, AnnAssign, Expr (walrus), Global...


def _expression_names(node: ast.expr) -> set[str]:
    """Walrus targets of an expression evaluated once (a test, an iterable, a subject)."""
    return {sub.target.id for sub in ast.walk(node) if isinstance(sub, ast.NamedExpr)}


def _pattern_names(pattern: ast.pattern) -> set[str]:
    """Capture names of a match pattern (``case [x, *rest]``, ``case {"k": v}``, ``case P(a=y) as z``)."""
    names: set[str] = set()
    for sub in ast.walk(pattern):
        if isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name is not None:
            names.add(sub.name)
        elif isinstance(sub, ast.MatchMapping) and sub.rest is not None:
            names.add(sub.rest)
    return names
