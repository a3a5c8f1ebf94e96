"""Cell-private names (``_x``) that the cell's own functions, lambdas and classes still see.

Why: DESIGN.md makes ``_x`` private to its cell, and the runtime used to delete it
after the run -- so ``def f(): return _x`` failed with NameError when another cell
called ``f`` later, while ``python nb.py`` works. A function's ``__globals__`` must
be a real dict (CPython reads it directly), so a chained "notebook + cell privates"
mapping cannot be handed to it. Instead the cell's code is rewritten before it is
compiled:

* a private name the cell binds at top level *and* uses from a nested scope (a
  function, lambda, class body, comprehension or generator) is *captured*;
* every occurrence of a captured name that Python would resolve to the module
  global -- at top level, or free in a nested scope, or declared ``global`` --
  is renamed to a per-cell mangled global, ``_x`` -> ``_x__rf1a2b3c4d__`` (the
  digest comes from the cell id; the trailing ``__`` keeps Python's class-private
  mangling away). Locals, parameters, class attributes, ``nonlocal`` names and
  attributes (``self._x``) are left alone, following Python's own scope rules;
* ``def _f``/``class _C``/``import _a.b`` at top level keep their real name while
  they are made (so ``__name__``, ``__qualname__`` and reprs are unchanged) and are
  then moved: ``_f__rf..__ = _f; del _f``.

So the values live in the notebook namespace under names no other cell can write
or read by accident (another cell's ``_x`` is its own), and stay there until the
cell runs again, fails, or is deleted (``drop_privates``). Privates that no nested
scope uses are not renamed and are removed after the run, as before, so temporary
values are freed.

Limits: names reached through strings (``globals()["_x"]``, ``eval("_x")``) are not
rewritten; ``from m import *`` binding a private listed in ``m.__all__`` binds it
unmangled; cells with a top-level ``persistent_cache`` block are not rewritten
(their cache keys hash the code text).
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reflow.analysis import is_private

_MANGLED = re.compile(r"\b(_\w*?)__rf[0-9a-f]{8}__\b")
#: A private identifier anywhere in the text (not an attribute): cells without one skip the walk.
_PRIVATE_WORD = re.compile(r"(?<![\w.])_(?!_\w*__(?!\w))")
_TYPE_ALIAS: Any = getattr(ast, "TypeAlias", None)  # Python 3.12+

MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", "comprehension"


#: Namespace entry (a dunder, hidden like ``__builtins__``): cell id -> mangled names it may
#: bind, so dropping a cell's privates needs no scan of the namespace.
REGISTRY = "__reflow_privates__"


@lru_cache(maxsize=65536)
def _suffix(cell_id: str) -> str:
    return f"__rf{hashlib.blake2s(cell_id.encode('utf-8', 'surrogatepass'), digest_size=4).hexdigest()}__"


def mangle(name: str, cell_id: str) -> str:
    """The namespace key of ``cell_id``'s private ``name``."""
    return name + _suffix(cell_id)


def demangle(text: str) -> str:
    """Show mangled private names in ``text`` as the user wrote them (``_x``)."""
    return _MANGLED.sub(r"\1", text) if "__rf" in text else text


def hold_privates(namespace: MutableMapping[str, Any], cell_id: str, names: frozenset[str]) -> None:
    """Note that ``cell_id``'s run may bind these mangled names (``drop_privates`` removes them)."""
    if names:
        held = namespace.get(REGISTRY)
        if not isinstance(held, dict):
            held = namespace[REGISTRY] = {}
        held[cell_id] = names


def drop_privates(namespace: MutableMapping[str, Any], cell_id: str) -> None:
    """Remove every private value ``cell_id`` keeps in ``namespace``."""
    held = namespace.get(REGISTRY)
    if not held or not isinstance(held, dict):
        return
    for key in held.pop(cell_id, ()):
        namespace.pop(key, None)


@dataclass
class _Scope:
    kind: str
    parent: _Scope | None
    bound: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)


@dataclass
class _Occurrence:
    scope: _Scope
    name: str
    rename: Callable[[str], None]


@dataclass
class _Move:
    """A top-level def/class/dotted import: made under ``name``, then moved."""

    body: list[ast.stmt]
    stmt: ast.stmt
    name: str


def _set_attr(node: ast.AST, attr: str) -> Callable[[str], None]:
    return lambda new: setattr(node, attr, new)


class _Collector:
    """Pass 1: scopes, bindings and every identifier occurrence with its scope."""

    def __init__(self) -> None:
        self.module = _Scope(MODULE, None)
        self.occurrences: list[_Occurrence] = []
        self.moves: list[_Move] = []
        self.global_bound: set[str] = set()  # names nested scopes bind via `global`

    def note(self, scope: _Scope, name: str, rename: Callable[[str], None]) -> None:
        if is_private(name):
            self.occurrences.append(_Occurrence(scope, name, rename))

    def bind(self, scope: _Scope, name: str, rename: Callable[[str], None]) -> None:
        if name in scope.globals:
            self.global_bound.add(name)
        elif name not in scope.nonlocals:
            scope.bound.add(name)
        self.note(scope, name, rename)

    # -- statements and expressions -------------------------------------------------
    def body(self, stmts: list[ast.stmt], scope: _Scope) -> None:
        for stmt in stmts:
            self.stmt(stmt, stmts, scope)

    def stmt(self, node: ast.stmt, body: list[ast.stmt], scope: _Scope) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node, scope)
            self.bind_named(node, node.name, body, scope)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.bind(scope, alias.asname, _set_attr(alias, "asname"))
                elif "." in alias.name:
                    self.bind_named(node, alias.name.partition(".")[0], body, scope)
                else:
                    self.bind(scope, alias.name, _set_attr(alias, "asname"))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    self.bind(scope, alias.asname or alias.name, _set_attr(alias, "asname"))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if scope.kind != MODULE:
                (scope.globals if isinstance(node, ast.Global) else scope.nonlocals).update(node.names)
            if isinstance(node, ast.Global):
                for index, name in enumerate(node.names):
                    self.note(scope, name, _list_setter(node.names, index))
        else:
            self.generic(node, scope)

    def bind_named(self, node: ast.stmt, name: str, body: list[ast.stmt], scope: _Scope) -> None:
        """A def/class/dotted import binding ``name``: moved at top level, renamed elsewhere."""
        if scope.kind == MODULE and is_private(name):
            move = _Move(body, node, name)

            def schedule(new: str) -> None:
                self.moves.append(move)

            self.bind(scope, name, schedule)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(scope, name, _set_attr(node, "name"))
        else:  # a dotted import inside a function: local unless declared global
            self.bind(scope, name, lambda new: None)

    def definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, scope: _Scope) -> None:
        for decorator in node.decorator_list:
            self.expr(decorator, scope)
        outer = self.type_params(node, scope)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                self.expr(base, outer)
            for keyword in node.keywords:
                self.expr(keyword.value, outer)
            inner = _Scope(CLASS, outer)
        else:
            args = node.args
            for default in (*args.defaults, *args.kw_defaults):
                if default is not None:
                    self.expr(default, scope)
            for arg in _all_args(args):
                if arg.annotation is not None:
                    self.expr(arg.annotation, outer)
            if node.returns is not None:
                self.expr(node.returns, outer)
            inner = _Scope(FUNCTION, outer)
            inner.bound.update(arg.arg for arg in _all_args(args))
        self.body(node.body, inner)

    def type_params(self, node: ast.AST, scope: _Scope) -> _Scope:
        """PEP 695 type parameters live in a scope of their own between ``scope`` and the body."""
        params = getattr(node, "type_params", None) or []
        if not params:
            return scope
        tp_scope = _Scope(FUNCTION, scope)
        for param in params:
            tp_scope.bound.add(param.name)
            for child in ast.iter_child_nodes(param):
                self.expr(child, _Scope(FUNCTION, tp_scope))  # bounds are evaluated lazily
        return tp_scope

    def generic(self, node: ast.AST, scope: _Scope) -> None:
        if _TYPE_ALIAS is not None and isinstance(node, _TYPE_ALIAS):
            alias: Any = node  # ast.TypeAlias exists on Python 3.12+ only
            self.expr(alias.name, scope)
            self.expr(alias.value, _Scope(FUNCTION, self.type_params(node, scope)))
            return
        if isinstance(node, ast.ExceptHandler):
            if node.type is not None:
                self.expr(node.type, scope)
            if node.name is not None:
                self.bind(scope, node.name, _set_attr(node, "name"))
            self.body(node.body, scope)
            return
        if isinstance(node, (ast.MatchAs, ast.MatchStar)):
            if node.name is not None:
                self.bind(scope, node.name, _set_attr(node, "name"))
        elif isinstance(node, ast.MatchMapping) and node.rest is not None:
            self.bind(scope, node.rest, _set_attr(node, "rest"))
        for _field, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.body(value, scope)
                else:
                    for item in value:
                        if isinstance(item, ast.AST):
                            self.generic_child(item, scope)
            elif isinstance(value, ast.AST):
                self.generic_child(value, scope)

    def generic_child(self, node: ast.AST, scope: _Scope) -> None:
        if isinstance(node, ast.stmt):
            self.stmt(node, [node], scope)
        else:
            self.expr(node, scope)

    def expr(self, node: ast.AST, scope: _Scope) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.note(scope, node.id, _set_attr(node, "id"))
            else:
                self.bind(scope, node.id, _set_attr(node, "id"))
        elif isinstance(node, ast.NamedExpr):
            self.expr(node.value, scope)
            target = scope
            while target.kind == COMPREHENSION and target.parent is not None:
                target = target.parent
            self.bind(target, node.target.id, _set_attr(node.target, "id"))
        elif isinstance(node, ast.Lambda):
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    self.expr(default, scope)
            inner = _Scope(FUNCTION, scope)
            inner.bound.update(arg.arg for arg in _all_args(node.args))
            self.expr(node.body, inner)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            generators = node.generators
            self.expr(generators[0].iter, scope)  # evaluated in the enclosing scope
            inner = _Scope(COMPREHENSION, scope)
            for index, generator in enumerate(generators):
                if index:
                    self.expr(generator.iter, inner)
                self.expr(generator.target, inner)
                for condition in generator.ifs:
                    self.expr(condition, inner)
            if isinstance(node, ast.DictComp):
                self.expr(node.key, inner)
                self.expr(node.value, inner)
            else:
                self.expr(node.elt, inner)
        else:
            self.generic(node, scope)


def _list_setter(items: list[str], index: int) -> Callable[[str], None]:
    def rename(new: str) -> None:
        items[index] = new

    return rename


def _all_args(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found += [a for a in (args.vararg, args.kwarg) if a is not None]
    return found


def _resolves_to_module(scope: _Scope, name: str) -> bool:
    """Python's rule for where ``name`` used in ``scope`` lives (True: the module global)."""
    current: _Scope | None = scope
    direct = True
    while current is not None:
        if current.kind == MODULE or name in current.globals:
            return True
        if name in current.nonlocals:
            return False
        if name in current.bound and (current.kind != CLASS or direct):
            return False
        direct = False
        current = current.parent
    return True


def may_have_privates(source: str) -> bool:
    """Cheap pre-check on the cell's text: False means there is nothing to rewrite."""
    return _PRIVATE_WORD.search(source) is not None


def rewrite_privates(tree: ast.Module, cell_id: str) -> frozenset[str]:
    """Rename the captured privates of ``tree`` in place; returns their mangled names."""
    collector = _Collector()
    collector.body(tree.body, collector.module)
    module_bound = collector.module.bound | collector.global_bound
    captured = {
        occ.name
        for occ in collector.occurrences
        if occ.scope.kind != MODULE and occ.name in module_bound and _resolves_to_module(occ.scope, occ.name)
    }
    if not captured:
        return frozenset()
    for occ in collector.occurrences:
        if occ.name in captured and _resolves_to_module(occ.scope, occ.name):
            occ.rename(mangle(occ.name, cell_id))
    for move in collector.moves:
        _insert_move(move, mangle(move.name, cell_id))
    return frozenset(mangle(name, cell_id) for name in captured)


def _insert_move(move: _Move, mangled: str) -> None:
    """``<def _f ...>`` then ``_f__rf..__ = _f; del _f`` (same line numbers as the def)."""
    assign = ast.Assign(targets=[ast.Name(mangled, ast.Store())], value=ast.Name(move.name, ast.Load()))
    delete = ast.Delete(targets=[ast.Name(move.name, ast.Del())])
    for new in (assign, delete):
        ast.copy_location(new, move.stmt)
        ast.fix_missing_locations(new)
    index = next(i for i, stmt in enumerate(move.body) if stmt is move.stmt)
    move.body[index + 1 : index + 1] = [assign, delete]
