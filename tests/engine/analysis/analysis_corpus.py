"""Real-code cells for comparing Reflow's analyzer with marimo's (tests + benchmark).

Two deterministic sources:
* the standard library of the running interpreter, each top-level statement of
  each `Lib/*.py` module taken as one cell;
* the example notebooks shipped inside the installed marimo package, each
  `@app.cell` function body (without its final `return`) taken as one cell.
"""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path


def stdlib_dir() -> Path:
    """The running interpreter's pure-Python standard library directory."""
    return Path(sysconfig.get_paths()["stdlib"])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def stdlib_cells() -> list[tuple[str, str]]:
    """(label, source) for every top-level statement of every stdlib module, sorted."""
    cells: list[tuple[str, str]] = []
    for path in sorted(stdlib_dir().glob("*.py")):
        text = _read(path)
        if text is None:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines(keepends=True)
        for node in tree.body:
            start = node.lineno
            decorators = getattr(node, "decorator_list", None)
            if decorators:
                start = min(start, *(d.lineno for d in decorators))
            source = "".join(lines[start - 1 : node.end_lineno])
            cells.append((f"{path.name}:{start}", source))
    return cells


def _is_app_cell(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "cell"


def notebook_cells() -> list[tuple[str, str]]:
    """(label, source) for every `@app.cell` body in notebooks shipped with marimo."""
    try:
        import marimo
    except ImportError:
        return []
    root = Path(marimo.__file__).parent
    cells: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.py")):
        text = _read(path)
        if text is None or "@app.cell" not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines(keepends=True)
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not any(_is_app_cell(d) for d in node.decorator_list):
                continue
            body = list(node.body)
            if body and isinstance(body[-1], ast.Return):
                body.pop()
            if not body:
                continue
            source = "".join(lines[body[0].lineno - 1 : body[-1].end_lineno])
            cells.append((f"{path.relative_to(root)}:{node.lineno}", textwrap.dedent(source)))
    return cells


def sample(cells: list[tuple[str, str]], size: int) -> list[tuple[str, str]]:
    """Every k-th cell so that about `size` remain: deterministic and spread out."""
    if len(cells) <= size:
        return cells
    step = len(cells) / size
    return [cells[int(i * step)] for i in range(size)]
