"""Run one cell: compile with the last expression as the output, capture output.

The cell's code is split into a body (exec) and, when the last statement is an
expression not ended by ``;``, that expression (eval) whose value becomes the
cell's output -- the Jupyter convention.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import CodeType

from .capture import captured
from .tracebacks import cell_filename, register_source


@dataclass
class CompiledCell:
    """Code objects for one cell version (cached until its code changes)."""

    filename: str
    body: CodeType | None
    last: CodeType | None          # eval code for the output expression, if any
    syntax_error: SyntaxError | None = None


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
    tail = lines[end].encode("utf-8")[node.end_col_offset or 0:].decode("utf-8", "replace")
    for line in [tail, *lines[end + 1:]]:
        text = line.split("#", 1)[0].strip()
        if text:
            return text.startswith(";")
    return False


def compile_cell(cell_id: str, source: str) -> CompiledCell:
    """Compile ``source``; errors Python only finds at compile time are kept, not raised."""
    filename = cell_filename(cell_id)
    register_source(filename, source)
    try:
        tree = ast.parse(source, filename=filename, mode="exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            if not _ends_with_semicolon(source, tree.body[-1].value):
                last = ast.Expression(tree.body.pop().value)
        body = compile(tree, filename, "exec", dont_inherit=True)
        last_code = compile(last, filename, "eval", dont_inherit=True) if last else None
    except SyntaxError as exc:
        return CompiledCell(filename, None, None, exc)
    return CompiledCell(filename, body, last_code)


def execute(
    compiled: CompiledCell,
    namespace: dict,
    emit: Callable[[str, str], None],
    privates: Iterable[str] = (),
) -> ExecResult:
    """Run the cell in ``namespace``; never raises (KeyboardInterrupt is reported).

    Private names are removed afterwards, whether the cell succeeded or not.
    """
    result = ExecResult()
    try:
        with captured(emit):
            try:
                if compiled.body is not None:
                    exec(compiled.body, namespace)
                if compiled.last is not None:
                    result.value = eval(compiled.last, namespace)
                    result.has_value = True
            except KeyboardInterrupt:
                result.interrupted = True
            except BaseException as exc:  # SystemExit too: a cell must not end the kernel
                result.exception = exc
    except KeyboardInterrupt:  # arrived while restoring the streams
        result.interrupted = True
    finally:
        for name in privates:
            namespace.pop(name, None)
    return result
