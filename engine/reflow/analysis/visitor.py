"""A single-pass, scope-tracking walk over one cell's AST.

Why a hand-written dispatch instead of `ast.NodeVisitor`: the walk runs on every
keystroke-sized edit and on whole notebooks at load, so it looks handlers up in a
dict keyed by node type (no `getattr` per node) and never copies the tree.

Scopes follow Python's rules:

* the cell (module) scope is *ordered*: a read counts as a ref only if the cell
  has not bound the name yet at that point (`print(x); x = 1` refs and defs x);
* class bodies and comprehensions run at once, so their reads are ordered too and
  fall through to the enclosing scope at the moment they happen; neither is
  visible to functions nested in it (comprehensions also do not see the class);
* function and lambda bodies run later: a name is local if bound anywhere in the
  body, and the remaining free names are resolved when the body ends. Free names
  that reach the cell are refs unless the cell binds them anywhere at top level
  (before or after the function: they are looked up at call time).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

MODULE, FUNCTION, CLASS, COMPREHENSION = 0, 1, 2, 3

_Load = ast.Load
_Store = ast.Store
_AST = ast.AST


def star_module(node: ast.ImportFrom) -> str:
    """The module of `from <module> import *` as written (relative dots kept)."""
    return "." * node.level + (node.module or "")


class Scope:
    """One Python scope: names bound so far, reads to resolve, declarations."""

    __slots__ = ("bound", "globals", "kind", "nonlocals", "parent", "reads")

    def __init__(self, kind: int, parent: Scope | None) -> None:
        self.kind = kind
        self.parent = parent
        self.bound: set[str] = set()
        # Only function scopes collect reads; the others resolve reads at once.
        self.reads: set[str] = set()
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()


class CellVisitor:
    """Collects the top-level bindings and the free reads of one cell."""

    def __init__(self, star_names: Mapping[str, Collection[str]] | None = None) -> None:
        #: names `from m import *` binds, per module, when the runtime has learned them
        self.star_names = star_names or {}
        #: modules the cell star-imports (`from m import *`), as written
        self.star_imports: set[str] = set()
        self.module = Scope(MODULE, None)
        self.scope = self.module
        #: every name the cell binds at top level (incl. via `global` in functions)
        self.top_bound: set[str] = set()
        #: reads at top level (or in eagerly-run code) before the cell bound the name
        self.eager_reads: set[str] = set()
        #: free reads from function bodies; refs unless the cell binds them anywhere
        self.deferred_reads: set[str] = set()
        #: top-level `del` of a name the cell had not bound
        self.deleted: set[str] = set()
        #: absolute imported module roots (`import a.b` -> "a"), any scope
        self.imports: set[str] = set()
        #: the cell holds a construct only the compiler can reject (`return`, `break`,
        #: `nonlocal`, duplicate parameters...): analysis compiles it to find out
        self.needs_compile = False

    # -- traversal ---------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        """Visit one node with its handler (generic walk if none)."""
        _HANDLERS.get(type(node), _generic)(self, node)

    def visit_body(self, nodes: Sequence[ast.AST]) -> None:
        """Visit a node list in order (statements, or expressions)."""
        handlers = _HANDLERS
        for node in nodes:
            handlers.get(type(node), _generic)(self, node)

    def _generic(self, node: ast.AST) -> None:
        handlers = _HANDLERS
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, _AST):
                        handlers.get(type(item), _generic)(self, item)
            elif isinstance(value, _AST):
                handlers.get(type(value), _generic)(self, value)

    def _leaf(self, node: ast.AST) -> None:
        return None

    # Hot expression and statement nodes get direct handlers: no `_fields` loop,
    # and no visits of context/operator singletons (Load, Add, Eq...).

    def _value(self, node: ast.AST) -> None:
        """Nodes whose only name-bearing child is `.value` (Expr, Starred, keyword...)."""
        value = node.value  # type: ignore[attr-defined]
        if value is not None:
            _HANDLERS.get(type(value), _generic)(self, value)

    def _call(self, node: ast.Call) -> None:
        handlers = _HANDLERS
        keywords = node.keywords
        if len(keywords) > 1:
            named = [k.arg for k in keywords if k.arg is not None]
            if len(set(named)) != len(named):
                self.needs_compile = True  # `f(a=1, a=2)` is a compile-time error
        func = node.func
        handlers.get(type(func), _generic)(self, func)
        for arg in node.args:
            if type(arg) is ast.Starred:  # `f(*args)`: always valid
                arg = arg.value
            handlers.get(type(arg), _generic)(self, arg)
        for keyword in node.keywords:
            value = keyword.value
            handlers.get(type(value), _generic)(self, value)

    def _if(self, node: ast.If) -> None:
        self.visit(node.test)
        self.visit_body(node.body)
        self.visit_body(node.orelse)

    def _compare(self, node: ast.Compare) -> None:
        self.visit(node.left)
        self.visit_body(node.comparators)

    def _bin_op(self, node: ast.BinOp) -> None:
        self.visit(node.left)
        self.visit(node.right)

    def _unary_op(self, node: ast.UnaryOp) -> None:
        self.visit(node.operand)

    def _values(self, node: ast.AST) -> None:
        """BoolOp, JoinedStr: a list of `.values`."""
        self.visit_body(node.values)  # type: ignore[attr-defined]

    def _elts(self, node: ast.AST) -> None:
        """Tuple, List, Set: a list of `.elts`."""
        elts: list[ast.expr] = node.elts  # type: ignore[attr-defined]
        starred = 0
        handlers = _HANDLERS
        for elt in elts:
            if type(elt) is ast.Starred:  # `[*a, *b]`, `a, *b = c`: valid in a display
                starred += 1
                elt = elt.value
            handlers.get(type(elt), _generic)(self, elt)
        if starred > 1 and type(getattr(node, "ctx", None)) is _Store:
            self.needs_compile = True  # `a, *b, *c = d`

    def _outside_function(self, node: ast.AST) -> None:
        """`return`/`yield`: only the compiler's verdict outside a function body matters."""
        if self.scope.kind != FUNCTION:
            self.needs_compile = True
        self._value(node)

    def _await(self, node: ast.Await) -> None:
        """Top-level `await` is allowed; elsewhere only async functions may await."""
        if self.scope.kind != MODULE:
            self.needs_compile = True
        self._value(node)

    def _try(self, node: ast.AST) -> None:
        handlers: list[ast.ExceptHandler] = node.handlers  # type: ignore[attr-defined]
        if any(h.type is None for h in handlers[:-1]):
            self.needs_compile = True  # a bare `except:` that is not last
        self._generic(node)

    def _subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        self.visit(node.slice)

    def _dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if key is not None:
                self.visit(key)
        self.visit_body(node.values)

    def _visit_all(self, nodes: Sequence[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    # -- name resolution -----------------------------------------------------------

    def read(self, name: str) -> None:
        """Record a read of `name` in the current scope, at the current point."""
        scope = self.scope
        skip_class = False
        while True:
            kind = scope.kind
            if kind == FUNCTION:
                scope.reads.add(name)
                return
            if kind == CLASS and skip_class:
                scope = scope.parent  # type: ignore[assignment]
                continue
            if name in scope.bound:
                return
            if kind == MODULE:
                self.eager_reads.add(name)
                return
            if kind == COMPREHENSION:
                skip_class = True
            scope = scope.parent  # type: ignore[assignment]

    def _deferred_read(self, name: str, scope: Scope) -> None:
        """A free name of a finished function body, resolved from `scope` outwards."""
        while True:
            kind = scope.kind
            if kind == FUNCTION:
                scope.reads.add(name)
                return
            if kind == MODULE:
                self.deferred_reads.add(name)
                return
            if kind == COMPREHENSION and name in scope.bound:
                return
            scope = scope.parent  # type: ignore[assignment]

    def store(self, name: str, scope: Scope | None = None) -> None:
        """Bind `name` in the current scope (or `scope`), honouring global/nonlocal."""
        if scope is None:
            scope = self.scope
        if name == "__debug__":
            self.needs_compile = True
        if scope.kind == MODULE:
            scope.bound.add(name)
            self.top_bound.add(name)
        elif name in scope.globals:
            self.top_bound.add(name)
        elif name not in scope.nonlocals:
            scope.bound.add(name)

    def _push(self, kind: int) -> Scope:
        scope = Scope(kind, self.scope)
        self.scope = scope
        return scope

    def _pop_function(self, scope: Scope) -> None:
        """Resolve a finished function body's reads: locals stay, the rest goes out."""
        parent = scope.parent
        self.scope = parent  # type: ignore[assignment]
        bound = scope.bound
        glob = scope.globals
        for name in scope.reads:
            if name in bound:
                continue
            if name in glob:
                self.deferred_reads.add(name)
            else:
                self._deferred_read(name, parent)  # type: ignore[arg-type]

    # -- handlers ------------------------------------------------------------------

    def _name(self, node: ast.Name) -> None:
        ctx = type(node.ctx)
        if ctx is _Load:
            self.read(node.id)
        elif ctx is _Store:
            self.store(node.id)
        else:  # del
            scope = self.scope
            name = node.id
            if scope.kind == MODULE:
                if name not in scope.bound:
                    self.eager_reads.add(name)
                    self.deleted.add(name)
            elif scope.kind == FUNCTION and name not in scope.globals:
                self.store(name)
            else:
                # `global x; del x` in a function unbinds the module's x when called: not a
                # definition of x, but it needs x to exist -- a (deferred) read of it.
                self.read(name)

    def _attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)

    def _arguments_outer(self, args: ast.arguments) -> None:
        """Defaults and annotations run in the enclosing scope at definition time."""
        self._visit_all(args.defaults)
        self._visit_all(args.kw_defaults)
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def _bind_parameters(self, args: ast.arguments, scope: Scope) -> None:
        bound = scope.bound
        count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            bound.add(arg.arg)
        if args.vararg is not None:
            bound.add(args.vararg.arg)
            count += 1
        if args.kwarg is not None:
            bound.add(args.kwarg.arg)
            count += 1
        if len(bound) != count:
            self.needs_compile = True  # duplicate parameter names

    def _function_def(self, node: ast.FunctionDef) -> None:
        self._visit_all(node.decorator_list)
        # Defaults run in the enclosing scope; annotations in the PEP 695 type-parameter
        # scope when there is one.
        self._visit_all(node.args.defaults)
        self._visit_all(node.args.kw_defaults)
        outer = self._push_type_params(node)
        args = node.args
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)
        if node.returns is not None:
            self.visit(node.returns)
        scope = self._push(FUNCTION)
        self._bind_parameters(node.args, scope)
        self.visit_body(node.body)
        self._pop_function(scope)
        self.scope = outer
        self.store(node.name)

    def _push_type_params(self, node: ast.AST) -> Scope:
        """PEP 695 `def f[T]`, `class C[T]`, `type A[T]`: T is local to a scope of its own.

        Returns the scope to go back to afterwards. The type-parameter scope acts like
        a comprehension (runs at once, its names are local, class bodies are skipped);
        bounds and constraints are evaluated lazily, like a function body.
        """
        outer = self.scope
        params = getattr(node, "type_params", None)
        if not params:
            return outer
        scope = self._push(COMPREHENSION)
        for param in params:
            scope.bound.add(param.name)
        for param in params:
            for child in ast.iter_child_nodes(param):
                lazy = self._push(FUNCTION)
                self.visit(child)
                self._pop_function(lazy)
        return outer

    def _type_alias(self, node: ast.AST) -> None:
        """`type A[T] = value`: A is bound now; the value is evaluated lazily."""
        outer = self._push_type_params(node)
        lazy = self._push(FUNCTION)
        self.visit(node.value)  # type: ignore[attr-defined]
        self._pop_function(lazy)
        self.scope = outer
        self.visit(node.name)  # type: ignore[attr-defined]

    def _lambda(self, node: ast.Lambda) -> None:
        self._visit_all(node.args.defaults)
        self._visit_all(node.args.kw_defaults)
        scope = self._push(FUNCTION)
        self._bind_parameters(node.args, scope)
        self.visit(node.body)
        self._pop_function(scope)

    def _class_def(self, node: ast.ClassDef) -> None:
        self._visit_all(node.decorator_list)
        outer = self._push_type_params(node)
        self._visit_all(node.bases)
        for keyword in node.keywords:
            self.visit(keyword.value)
        self._push(CLASS)
        self.visit_body(node.body)
        self.scope = outer
        self.store(node.name)

    def _comprehension(self, node: ast.AST) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        if any(generator.is_async for generator in generators):
            self.needs_compile = True  # async comprehension outside an async function
        # The first iterable is evaluated in the enclosing scope.
        self.visit(generators[0].iter)
        self._push(COMPREHENSION)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            self._visit_all(generator.ifs)
        if type(node) is ast.DictComp:
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)  # type: ignore[attr-defined]
        self.scope = self.scope.parent  # type: ignore[assignment]

    def _named_expr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        # PEP 572: the target binds in the nearest enclosing non-comprehension scope.
        scope = self.scope
        while scope.kind == COMPREHENSION:
            scope = scope.parent  # type: ignore[assignment]
        self.store(node.target.id, scope)

    def _assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        self._visit_all(node.targets)

    def _aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        if type(target) is ast.Name:
            # `x += 1` reads x before rebinding it: a ref (unless bound before) and a def.
            self.read(target.id)
            self.visit(node.value)
            self.store(target.id)
        else:
            self.visit(node.value)
            self.visit(target)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        target = node.target
        if type(target) is ast.Name:
            # A bare `x: int` binds nothing at module or class level (reading x still
            # fails); in a function it still makes x local.
            if node.value is not None or self.scope.kind == FUNCTION:
                self.store(target.id)
        else:
            self.visit(target)

    def _for(self, node: ast.For) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        self.visit_body(node.body)
        self.visit_body(node.orelse)

    def _except_handler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        name = node.name
        scope = self.scope
        if name is None or scope.kind == FUNCTION:
            if name is not None:
                self.store(name)
            self.visit_body(node.body)
            return
        # `except E as e` binds e only inside the handler (Python deletes it after, even
        # if the handler assigned e again), so at top level it is neither a def nor
        # hides a later read.
        was_bound = name in scope.bound
        was_top = name in self.top_bound
        scope.bound.add(name)
        self.visit_body(node.body)
        if not was_bound:
            scope.bound.discard(name)
            if not was_top:
                self.top_bound.discard(name)

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            root = alias.name.partition(".")[0]
            self.imports.add(root)
            self.store(alias.asname or root)

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.module == "__future__" or self.scope.kind != MODULE:
            self.needs_compile = True  # misplaced __future__ / `import *` in a function
        if node.level == 0 and node.module:
            self.imports.add(node.module.partition(".")[0])
        for alias in node.names:
            if alias.name == "*":
                # The names are known once the module is imported (the runtime learns
                # them when the cell runs); until then the cell defines none of them.
                module = star_module(node)
                self.star_imports.add(module)
                for name in self.star_names.get(module, ()):
                    self.store(name)
            else:
                self.store(alias.asname or alias.name)

    def _global(self, node: ast.Global) -> None:
        if self.scope.kind != MODULE:
            self.scope.globals.update(node.names)

    def _nonlocal(self, node: ast.Nonlocal) -> None:
        if self.scope.kind != MODULE:
            self.scope.nonlocals.update(node.names)

    def _match_as(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name is not None:
            self.store(node.name)

    def _match_star(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self.store(node.name)

    def _match_mapping(self, node: ast.MatchMapping) -> None:
        self._visit_all(node.keys)
        self._visit_all(node.patterns)
        if node.rest is not None:
            self.store(node.rest)


_generic = CellVisitor._generic


def _compile_checked(handler: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Wrap ``handler`` for a node only the compiler can judge in some places."""

    def visit(self: CellVisitor, node: ast.AST) -> None:
        self.needs_compile = True
        handler(self, node)

    return visit


#: Node type -> handler (a plain function called with the visitor): one dict
#: lookup per node, built once for all visitors.
_HANDLERS: dict[type, Callable[[Any, Any], None]] = {
    ast.Name: CellVisitor._name,
    ast.Attribute: CellVisitor._attribute,
    ast.Call: CellVisitor._call,
    ast.Expr: CellVisitor._value,
    ast.Return: CellVisitor._value,
    ast.Starred: CellVisitor._value,
    ast.Await: CellVisitor._value,
    ast.Yield: CellVisitor._value,
    ast.YieldFrom: CellVisitor._value,
    ast.If: CellVisitor._if,
    ast.While: CellVisitor._if,
    ast.Compare: CellVisitor._compare,
    ast.BinOp: CellVisitor._bin_op,
    ast.UnaryOp: CellVisitor._unary_op,
    ast.BoolOp: CellVisitor._values,
    ast.JoinedStr: CellVisitor._values,
    ast.Tuple: CellVisitor._elts,
    ast.List: CellVisitor._elts,
    ast.Set: CellVisitor._elts,
    ast.Subscript: CellVisitor._subscript,
    ast.Dict: CellVisitor._dict,
    ast.FunctionDef: CellVisitor._function_def,
    ast.AsyncFunctionDef: CellVisitor._function_def,
    ast.Lambda: CellVisitor._lambda,
    ast.ClassDef: CellVisitor._class_def,
    ast.ListComp: CellVisitor._comprehension,
    ast.SetComp: CellVisitor._comprehension,
    ast.GeneratorExp: CellVisitor._comprehension,
    ast.DictComp: CellVisitor._comprehension,
    ast.Assign: CellVisitor._assign,
    ast.AugAssign: CellVisitor._aug_assign,
    ast.AnnAssign: CellVisitor._ann_assign,
    ast.NamedExpr: CellVisitor._named_expr,
    ast.For: CellVisitor._for,
    ast.AsyncFor: CellVisitor._for,
    ast.ExceptHandler: CellVisitor._except_handler,
    ast.Import: CellVisitor._import,
    ast.ImportFrom: CellVisitor._import_from,
    ast.Global: CellVisitor._global,
    ast.Nonlocal: CellVisitor._nonlocal,
    ast.MatchAs: CellVisitor._match_as,
    ast.MatchStar: CellVisitor._match_star,
    ast.MatchMapping: CellVisitor._match_mapping,
    ast.Constant: CellVisitor._leaf,
    ast.Pass: CellVisitor._leaf,
    ast.Break: CellVisitor._leaf,
    ast.Continue: CellVisitor._leaf,
}
# Contexts and operators (Load, Add, Eq, Not...) carry no names.
for _base in (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop):
    for _cls in _base.__subclasses__():
        _HANDLERS[_cls] = CellVisitor._leaf
if hasattr(ast, "TypeAlias"):  # Python 3.12+
    _HANDLERS[ast.TypeAlias] = CellVisitor._type_alias
# Nodes that are errors in some places only the compiler checks (`return` outside
# a function, `break` outside a loop, `await` in a plain function, a bad
# `nonlocal`/`global`, `*a = 1`, a bare `except:` that is not last...).
_COMPILE_CHECKED = (
    ast.Break,
    ast.Continue,
    ast.Nonlocal,
    ast.Global,
    ast.Starred,
    ast.AsyncFor,
    ast.AsyncWith,
    ast.AsyncFunctionDef,
)
_HANDLERS[ast.Return] = CellVisitor._outside_function
_HANDLERS[ast.Yield] = CellVisitor._outside_function
_HANDLERS[ast.YieldFrom] = CellVisitor._outside_function
_HANDLERS[ast.Await] = CellVisitor._await
_HANDLERS[ast.Try] = CellVisitor._try
if hasattr(ast, "TryStar"):  # Python 3.11+
    _HANDLERS[ast.TryStar] = CellVisitor._try
for _checked in _COMPILE_CHECKED:
    _HANDLERS[_checked] = _compile_checked(_HANDLERS.get(_checked, _generic))
