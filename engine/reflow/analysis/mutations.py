"""In-place mutations of global names a cell did not bind itself, seen statically.

Why a module of its own: redefinition semantics put a cell that mutates ``x`` in
``x``'s chain, exactly like a cell that assigns ``x``. Only the statement forms
whose target is visible in the syntax count -- ``x[k] = v``, ``x.a = v``,
``del x[k]``, ``del x.a``, ``x[k] += v``, ``x.a += v`` (also nested:
``x.a[0].b = v`` mutates ``x``). Method calls (``lst.append(v)``,
``df.drop(..., inplace=True)``) may or may not mutate; they are reported apart as
*hints* for the UI, never as graph edges.

Only top-level code counts (including the bodies of top-level ``if``/``for``/
``while``/``with``/``try``/``match``): function bodies run later, at call time.
A name counts only if the cell has not bound it earlier in the cell (``x = []``
then ``x[0] = 1`` is the cell's own object). Private names (``_x``) never count.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Methods that mutate their object in the standard containers (list, dict, set,
#: deque...) and commonly elsewhere; a call of one on a global is a hint.
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "update",
        "sort",
        "setdefault",
        "add",
        "discard",
        "reverse",
        "popitem",
        "appendleft",
        "extendleft",
        "popleft",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
    }
)

# Text pre-filters: most cells call no mutating method and use no walrus, and the
# analysis runs on every edit and on whole notebooks, so skip those walks then.
_HINT_TEXT = re.compile(r"\.\s*(?:" + "|".join(sorted(MUTATING_METHODS)) + r")\s*\(|inplace")

_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


@dataclass(frozen=True)
class Mutations:
    """``mutated``: in-place mutation targets; ``hinted``: names a mutating method is called on."""

    mutated: frozenset[str]
    hinted: frozenset[str]


def find_mutations(tree: ast.Module, source: str | None = None) -> Mutations:
    """Walk the cell's top-level statements in order (see the module doc).

    ``source`` (the cell's text) lets cheap text checks skip walks that cannot find anything.
    """
    hints = source is None or _HINT_TEXT.search(source) is not None
    walrus = source is None or ":=" in source
    # First without tracking what the cell binds (bindings only remove candidates):
    # most cells have no candidate at all and stop here.
    scan = _Scan(hints, walrus, track_bound=False)
    scan.body(tree.body)
    if not scan.mutated and not scan.hinted:
        return Mutations(frozenset(), frozenset())
    scan = _Scan(hints, walrus)
    scan.body(tree.body)
    return Mutations(frozenset(scan.mutated), frozenset(scan.hinted - scan.mutated))


def root_name(node: ast.expr) -> str | None:
    """The name at the bottom of ``x.a[0].b`` (None for ``f().a`` and the like)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Scan:
    def __init__(self, hints: bool = True, walrus: bool = True, track_bound: bool = True) -> None:
        self.hints = hints
        self.walrus = walrus
        self.track_bound = track_bound
        self.bound: set[str] = set()
        self.mutated: set[str] = set()
        self.hinted: set[str] = set()

    def body(self, statements: Iterable[ast.stmt]) -> None:
        for stmt in statements:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, _COMPOUND):
            self._compound(stmt)
            return
        if isinstance(stmt, ast.Assign):
            self._targets(stmt.targets)
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            if not isinstance(stmt.target, ast.Name):
                self._target(stmt.target)
        elif isinstance(stmt, ast.Delete):
            self._targets(stmt.targets)
        if self.hints and not isinstance(stmt, _SCOPES[:3]):
            self._calls(stmt)
        if self.track_bound:
            self.bound |= _bound_by(stmt, self.walrus)

    def _compound(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._calls(stmt.iter)
            self._target(stmt.target)
            self.bound |= _names_stored(stmt.target)
        elif isinstance(stmt, (ast.If, ast.While)):
            self._calls(stmt.test)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self._calls(item.context_expr)
                if item.optional_vars is not None:
                    self._target(item.optional_vars)
                    self.bound |= _names_stored(item.optional_vars)
        elif isinstance(stmt, ast.Match):
            self._calls(stmt.subject)
            for case in stmt.cases:
                self.bound |= {n.name for n in ast.walk(case.pattern) if isinstance(n, ast.MatchAs) and n.name}
                self.body(case.body)
            return
        if isinstance(stmt, ast.Try):
            self.body(stmt.body)
            for handler in stmt.handlers:
                self.body(handler.body)
            self.body(stmt.orelse)
            self.body(stmt.finalbody)
            return
        # the compound statements left here (for, while, if, with) all have a body
        self.body(stmt.body)  # type: ignore[attr-defined]
        self.body(getattr(stmt, "orelse", []))

    def _targets(self, targets: list[ast.expr]) -> None:
        for target in targets:
            self._target(target)

    def _target(self, target: ast.expr) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element)
        elif isinstance(target, ast.Starred):
            self._target(target.value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            self._foreign(root_name(target), self.mutated)

    def _calls(self, node: ast.AST) -> None:
        """Method calls that look mutating, outside nested function/class/lambda bodies."""
        if not self.hints:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
                inplace = any(
                    k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
                    for k in current.keywords
                )
                if inplace or current.func.attr in MUTATING_METHODS:
                    self._foreign(root_name(current.func.value), self.hinted)
            stack.extend(ast.iter_child_nodes(current))

    def _foreign(self, name: str | None, into: set[str]) -> None:
        # Private names are dropped later with the refs they are not in (analyze.py).
        if name is not None and name not in self.bound:
            into.add(name)


def _names_stored(target: ast.AST) -> set[str]:
    """Names an assignment target binds (``x[i] = v`` and ``x.a = v`` bind none)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_names_stored(e) for e in target.elts))
    if isinstance(target, ast.Starred):
        return _names_stored(target.value)
    return set()


def _bound_by(stmt: ast.stmt, walrus: bool = True) -> set[str]:
    """Names a simple statement binds at top level (walrus included, nested scopes excluded)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).partition(".")[0] for a in stmt.names}
    if not walrus:  # only assignment targets bind: no need to walk the values
        if isinstance(stmt, ast.Assign):
            return set().union(*(_names_stored(t) for t in stmt.targets))
        if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            return _names_stored(stmt.target)
        if not isinstance(stmt, ast.Delete):
            return set()
    found: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.NamedExpr):
            found.add(node.target.id)
        stack.extend(ast.iter_child_nodes(node))
    return found
