"""Run one cell: compile with the last expression as the output, capture output.

The cell's code is split into a body (exec) and, when the last statement is an
expression not ended by ``;``, that expression (eval) whose value becomes the
cell's output -- the Jupyter convention.

A cell with top-level ``with reflow.persistent_cache(...):`` statements is further
split into segments around them, so each such block can be run as
restore-or-execute by ``reflow.cache.blocks`` (the caller passes ``run_block``).
Cells without one never import the cache package.

Two rewrites happen before compiling (see ``privates`` and ``aio``): private
names the cell's functions use are renamed to per-cell globals so they outlive
the run, and top-level ``await`` is allowed -- such a cell compiles to a coroutine
that ``aio.run_coroutine`` drives to its end.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from .aio import cell_loop_current, is_coroutine_code, run_coroutine
from .capture import captured
from .privates import demangle, drop_privates, hold_privates, may_have_privates, rewrite_privates
from .tracebacks import cell_filename, register_source

#: Compile flags of cell code: top-level ``await`` / ``async for`` / ``async with`` allowed.
CELL_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


@dataclass
class CompiledCell:
    """Code objects for one cell version (cached until its code changes)."""

    filename: str
    body: CodeType | None
    last: CodeType | None  # eval code for the output expression, if any
    syntax_error: SyntaxError | None = None
    # ("code", CodeType) | ("cache", BlockSpec) in order; None: run ``body`` as one piece
    segments: list[tuple[str, Any]] | None = None
    cell_id: str = ""
    kept_privates: frozenset[str] = frozenset()  # mangled privates the cell's functions use


@dataclass
class ExecResult:
    value: object = None
    has_value: bool = False
    exception: BaseException | None = None
    interrupted: bool = False


def _ends_with_semicolon(source: str, node: ast.expr) -> bool:
    """True when the text after the last expression starts with ``;`` (output hidden)."""
    lines = source.splitlines()
    end = (node.end_lineno or 1) - 1
    # ast column offsets count UTF-8 bytes.
    tail = lines[end].encode("utf-8")[node.end_col_offset or 0 :].decode("utf-8", "replace")
    for line in [tail, *lines[end + 1 :]]:
        text = line.split("#", 1)[0].strip()
        if text:
            return text.startswith(";")
    return False


def compile_cell(cell_id: str, source: str, *, shared_privates: bool = False) -> CompiledCell:
    """Compile ``source``; errors Python only finds at compile time are kept, not raised.

    ``shared_privates``: ``_x`` names are ordinary globals (no per-cell renaming).
    """
    filename = cell_filename(cell_id)
    register_source(filename, source)
    try:
        tree = ast.parse(source, filename=filename, mode="exec")
        has_cache_block = any(isinstance(s, ast.With) for s in tree.body) and _has_cache_block(tree)
        rewrite = not shared_privates and not has_cache_block and may_have_privates(source)
        kept = rewrite_privates(tree, cell_id) if rewrite else frozenset()
        last = None
        final = tree.body[-1] if tree.body else None
        if isinstance(final, ast.Expr) and not _ends_with_semicolon(source, final.value):
            tree.body.pop()
            last = ast.Expression(final.value)
        segments = None
        if has_cache_block:
            try:
                segments = _segments(tree, filename, [last.body] if last else [])
            except SyntaxError:
                raise
            except Exception:  # never let the cache's compiler break a cell: run it uncached
                segments = None
        body = compile(tree, filename, "exec", flags=CELL_FLAGS, dont_inherit=True)
        last_code = compile(last, filename, "eval", flags=CELL_FLAGS, dont_inherit=True) if last else None
    except SyntaxError as exc:
        return CompiledCell(filename, None, None, exc, cell_id=cell_id)
    return CompiledCell(filename, body, last_code, segments=segments, cell_id=cell_id, kept_privates=kept)


def _has_cache_block(tree: ast.Module) -> bool:
    from reflow.cache.blocks import is_cache_block

    return any(is_cache_block(s) for s in tree.body)


def _segments(tree: ast.Module, filename: str, tail: list[ast.AST]) -> list[tuple[str, Any]] | None:
    """Split the cell around top-level persistent_cache blocks (None if it has none)."""
    from reflow.cache.blocks import compile_block, is_cache_block

    if not any(is_cache_block(s) for s in tree.body):
        return None
    segments: list[tuple[str, Any]] = []
    group: list[ast.stmt] = []
    for index, stmt in enumerate(tree.body):
        if is_cache_block(stmt):
            if group:
                segments.append(("code", compile(ast.Module(group, []), filename, "exec", dont_inherit=True)))
                group = []
            after = [*tree.body[index + 1 :], *tail]
            segments.append(("cache", compile_block(stmt, tree.body[:index], filename, after)))  # type: ignore[arg-type]
        else:
            group.append(stmt)
    if group:
        segments.append(("code", compile(ast.Module(group, []), filename, "exec", dont_inherit=True)))
    return segments


def execute(
    compiled: CompiledCell,
    namespace: dict[str, Any],
    emit: Callable[[str, str], None],
    privates: Iterable[str] = (),
    run_block: Callable[[Any, dict[str, Any], Callable[[str, str], None]], None] | None = None,
) -> ExecResult:
    """Run the cell in ``namespace``; never raises (KeyboardInterrupt is reported).

    Private names are removed afterwards, whether the cell succeeded or not --
    except those the cell's functions use (``compiled.kept_privates``), which stay
    under their mangled names until the cell runs again or fails.
    ``run_block(spec, namespace, emit)`` runs a persistent-cache block; without it
    such blocks run as plain ``with`` statements.
    """
    result = ExecResult()
    if compiled.cell_id:
        drop_privates(namespace, compiled.cell_id)  # an earlier version's values
        hold_privates(namespace, compiled.cell_id, compiled.kept_privates)
    try:
        with captured(emit), cell_loop_current():
            try:
                if compiled.segments is not None:
                    _run_segments(compiled.segments, namespace, emit, run_block)
                elif compiled.body is not None:
                    _run_code(compiled.body, namespace)
                if compiled.last is not None:
                    result.value = _run_code(compiled.last, namespace)
                    result.has_value = True
            except KeyboardInterrupt:
                result.interrupted = True
            except BaseException as exc:  # SystemExit too: a cell must not end the kernel
                result.exception = _demangled(exc)
    except KeyboardInterrupt:  # arrived while restoring the streams
        result.interrupted = True
    finally:
        for name in privates:
            namespace.pop(name, None)
        if compiled.cell_id and (result.exception is not None or result.interrupted):
            drop_privates(namespace, compiled.cell_id)
    return result


def _run_code(code: CodeType, namespace: dict[str, Any]) -> object:
    """exec/eval one code object; a cell with top-level ``await`` gives a coroutine to finish."""
    value = eval(code, namespace)  # eval runs "exec" code too (and returns None)
    if is_coroutine_code(code):
        value = run_coroutine(value)
    return value


def _demangled(exc: BaseException) -> BaseException:
    """``NameError: name '_x__rf..__'`` -> ``name '_x'``: users never see mangled names."""
    if isinstance(exc, NameError) and exc.args and isinstance(exc.args[0], str) and "__rf" in exc.args[0]:
        exc.args = (demangle(exc.args[0]), *exc.args[1:])
        name = getattr(exc, "name", None)
        if isinstance(name, str):
            exc.name = demangle(name)
    return exc


def _run_segments(
    segments: list[tuple[str, Any]],
    namespace: dict[str, Any],
    emit: Callable[[str, str], None],
    run_block: Callable[[Any, dict[str, Any], Callable[[str, str], None]], None] | None,
) -> None:
    for kind, item in segments:
        if kind == "code":
            exec(item, namespace)
        elif run_block is not None:
            run_block(item, namespace, emit)
        else:
            from reflow.cache.blocks import run_plain

            run_plain(item, namespace)
