"""Syntax errors worded like Python's own: the offending line and a caret, one error per cell.

The analysis only keeps a message and a position; users expect what ``python``
prints (file and line, the source line, ``^`` under the spot, ``SyntaxError:
msg``). The runtime, the kernel's graph message, ``reflow check`` and the exports
all word a cell's syntax error from here, so the UI sees the same error whether it
came from the static check or from a run, and shows it once.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from .tracebacks import format_syntax_error
from .types import CellError


def find_syntax_error(source: str, filename: str = "<cell>") -> SyntaxError | None:
    """The SyntaxError Python raises compiling ``source`` (top-level await allowed, as cells run),
    with the offending line's text filled in when the compiler left it out; None when it compiles.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError as exc:
        lines = source.splitlines()
        if exc.text is None and exc.lineno is not None and 0 < exc.lineno <= len(lines):
            exc.text = lines[exc.lineno - 1] + "\n"
        return exc
    except (ValueError, TypeError, RecursionError, MemoryError):
        return None  # NUL bytes, absurd nesting: no line to point at
    return None


@dataclass(frozen=True)
class SyntaxReport:
    """One syntax error as users read it."""

    message: str  # the compiler's message, e.g. "'(' was never closed"
    ename: str  # SyntaxError, IndentationError, TabError
    traceback: str  # as Python prints it, caret included
    lineno: int | None
    excerpt: str  # the offending line and its caret line(s) only, for ``file:line: error:`` reports


def syntax_report(source: str, filename: str = "<cell>") -> SyntaxReport | None:
    """The syntax error of ``source`` worded like Python's own traceback; None when it compiles."""
    exc = find_syntax_error(source, filename)
    if exc is None:
        return None
    text = format_syntax_error(exc)
    lines = text.splitlines()
    body = lines[1:-1] if lines and lines[0].lstrip().startswith("File ") else lines[:-1]
    excerpt = "\n".join(line for line in body if line.strip())
    return SyntaxReport(exc.msg or str(exc), type(exc).__name__, text, exc.lineno, excerpt)


def syntax_cell_error(
    source: str, filename: str, fallback: str, humanize: Callable[[str], str] = lambda text: text
) -> CellError:
    """The cell's one syntax error (message, caret traceback); ``fallback`` words what has no line."""
    report = syntax_report(source, filename)
    if report is None:
        return CellError("syntax", fallback, ename="SyntaxError")
    return CellError("syntax", report.message, humanize(report.traceback), report.ename)
