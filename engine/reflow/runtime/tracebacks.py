"""Tracebacks that start at the cell: the runtime's own frames are noise to users."""

from __future__ import annotations

import linecache
import traceback
from types import TracebackType

CELL_PREFIX = "<cell "


def cell_filename(cell_id: str) -> str:
    """The pseudo file name of a cell's code; tracebacks show it with cell line numbers."""
    return f"{CELL_PREFIX}{cell_id}>"


def register_source(filename: str, source: str) -> None:
    """Let linecache (hence tracebacks and inspect) show the cell's lines."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    linecache.cache[filename] = (len(source), None, lines, filename)


def trim(tb: TracebackType | None) -> TracebackType | None:
    """Drop leading frames until the first notebook cell frame."""
    node = tb
    while node is not None and not node.tb_frame.f_code.co_filename.startswith(CELL_PREFIX):
        node = node.tb_next
    return node if node is not None else tb


def format_exception(exc: BaseException) -> str:
    """The text traceback of ``exc`` from its first cell frame on (notes included)."""
    return "".join(traceback.format_exception(type(exc), exc, trim(exc.__traceback__)))


def format_syntax_error(exc: SyntaxError) -> str:
    """As Python prints it: file and line, the offending source line, a caret, ``SyntaxError: msg``."""
    return "".join(traceback.format_exception_only(type(exc), exc))
