"""`analyze_cell`: parse one cell and turn the visitor's findings into a CellAnalysis."""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

from .conditional import may_bind_conditionally, surely_bound
from .mutations import find_mutations
from .names import BUILTINS, is_private
from .result import AnalysisError, CellAnalysis, ErrorKind
from .visitor import CellVisitor

#: Recursion limit used for a second try when a very deep (but valid) expression
#: overflows the default limit. Python-to-Python calls do not use the C stack in
#: 3.11+, so this is safe; ast.parse bounds the tree depth anyway.
_DEEP_RECURSION_LIMIT = 100_000


def analyze_cell(
    source: str,
    star_names: Mapping[str, Collection[str]] | None = None,
    *,
    shared_privates: bool = False,
) -> CellAnalysis:
    """Return the defs, refs, privates, deleted names and imports of one cell.

    ``shared_privates`` (``[tool.reflow] underscore_names = "shared"``, which the
    importer sets for Jupyter notebooks that use a ``_helper`` across cells) makes
    ``_x`` an ordinary global, as in Jupyter: never listed in ``privates``.

    Never raises: unparsable text (including NUL bytes or absurd nesting) gives
    an `AnalysisError(kind="syntax")`. `from m import *` is listed in
    `star_imports`; it binds the names `star_names[m]` when the caller knows them
    (the runtime learns them by running the cell), else none.
    """
    try:
        tree = _parse(source)
    except SyntaxError as exc:
        return _error("syntax", exc.msg or str(exc), exc.lineno, _col(exc.offset))
    except (ValueError, TypeError) as exc:  # NUL bytes (older Pythons), non-str input
        return _error("syntax", str(exc), None, None)
    except (RecursionError, MemoryError):
        return _error("syntax", "the cell is too deeply nested to parse", None, None)
    try:
        visitor = _walk(tree, star_names)
    except (RecursionError, MemoryError):
        return _error("syntax", "the cell is too deeply nested to analyse", None, None)
    if visitor.needs_compile:
        compile_error = _compile_error(tree)
        if compile_error is not None:
            return compile_error
    analysis = _with_mutations(_result(visitor, _never_private if shared_privates else is_private), tree, source)
    if not analysis.defs or not may_bind_conditionally(tree.body, source):
        return analysis
    maybe = analysis.defs - surely_bound(tree.body)
    return replace(analysis, maybe_defs=frozenset(maybe)) if maybe else analysis


def _parse(source: str) -> ast.Module:
    """ast.parse without side effects: invalid escapes (`"\\d"`) and the like warn
    at compile time, which would print on every analysis (3.12+) or become a bogus
    syntax error under `-W error`. The runtime's own compile still warns once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


#: Cells may use top-level `await` (the runtime compiles them with this flag too).
COMPILE_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _compile_error(tree: ast.Module) -> CellAnalysis | None:
    """Errors only the compiler finds (`return` outside a function, `break` outside a
    loop, a bad `nonlocal`...), as a syntax-kind analysis error; None when it compiles."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(tree, "<cell>", "exec", flags=COMPILE_FLAGS, dont_inherit=True)
    except SyntaxError as exc:
        return _error("syntax", exc.msg or str(exc), exc.lineno, _col(exc.offset))
    except (ValueError, TypeError, RecursionError, MemoryError):
        return None  # not a verdict on the user's code; the runtime's own compile reports it
    return None


def _walk(tree: ast.Module, star_names: Mapping[str, Collection[str]] | None = None) -> CellVisitor:
    visitor = CellVisitor(star_names)
    try:
        visitor.visit_body(tree.body)
    except RecursionError:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, _DEEP_RECURSION_LIMIT))
        try:
            visitor = CellVisitor(star_names)
            visitor.visit_body(tree.body)
        finally:
            sys.setrecursionlimit(limit)
    return visitor


def _never_private(name: str) -> bool:
    return False


def _result(visitor: CellVisitor, private: Callable[[str], bool] = is_private) -> CellAnalysis:
    bound = visitor.top_bound
    defs = {name for name in bound if not private(name)}
    privates = bound - defs
    # Function bodies run later, so a top-level binding anywhere in the cell serves them.
    reads = visitor.eager_reads | (visitor.deferred_reads - bound)
    refs = set()
    builtin_refs = set()
    for name in reads:
        if private(name):
            continue
        if name in BUILTINS:
            builtin_refs.add(name)
        else:
            refs.add(name)
    deleted = {name for name in visitor.deleted if not private(name)}
    # Reads only in function bodies, also of names the cell binds itself: its function
    # may run before the cell's own binding (`def f(): return a` then `a = f()`).
    deferred = {
        name
        for name in visitor.deferred_reads - visitor.eager_reads - deleted
        if not private(name) and name not in BUILTINS
    }
    body = {name for name in visitor.deferred_reads - deleted if not private(name) and name not in BUILTINS}
    return CellAnalysis(
        defs=frozenset(defs),
        refs=frozenset(refs),
        privates=frozenset(privates),
        deleted=frozenset(deleted),
        imports=frozenset(visitor.imports),
        error=None,
        builtin_refs=frozenset(builtin_refs),
        star_imports=frozenset(visitor.star_imports),
        deferred_refs=frozenset(deferred),
        body_refs=frozenset(body),
    )


def _with_mutations(analysis: CellAnalysis, tree: ast.Module, source: str) -> CellAnalysis:
    """Add in-place mutations and method-call hints (reflow.analysis.mutations), within refs."""
    try:
        found = find_mutations(tree, source)
    except RecursionError:  # absurdly deep targets: no mutations rather than no analysis
        return analysis
    mutations = found.mutated & analysis.refs
    hints = found.hinted & analysis.refs
    if not mutations and not hints:
        return analysis
    deferred = analysis.deferred_refs - mutations  # a mutation is a top-level write: eager
    body = analysis.body_refs - mutations
    return replace(analysis, mutations=mutations, method_mutation_hints=hints, deferred_refs=deferred, body_refs=body)


def _col(offset: int | None) -> int | None:
    """SyntaxError offsets are 1-based; report 0-based columns like ast nodes."""
    return None if offset is None else max(offset - 1, 0)


def _error(kind: ErrorKind, message: str, lineno: int | None, col: int | None) -> CellAnalysis:
    return CellAnalysis(error=AnalysisError(kind=kind, message=message, lineno=lineno, col=col))
