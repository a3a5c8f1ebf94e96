"""Real-code cells for comparing Reflow's analyzer with marimo's (tests + benchmark).

Two deterministic sources:
* the standard library of the running interpreter (its modules and packages,
  without tests and lib2to3), each top-level statement of each module taken as
  one cell;
* the example notebooks shipped inside the installed marimo package, each
  `@app.cell` function body (without its final `return`) taken as one cell.
"""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path


#: How many stdlib cells the agreement test and the benchmark sample.
SAMPLE_SIZE = 8_000


def stdlib_dir() -> Path:
    """The running interpreter's pure-Python standard library directory."""
    return Path(sysconfig.get_paths()["stdlib"])


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


#: Directories of the stdlib that are not library code (tests, vendored packages).
_SKIP_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3"}


def stdlib_files(recursive: bool = True) -> list[Path]:
    """The stdlib's modules, sorted: `Lib/*.py`, plus its packages when recursive."""
    root = stdlib_dir()
    if not recursive:
        return sorted(root.glob("*.py"))
    return sorted(
        path
        for path in root.rglob("*.py")
        if not _SKIP_DIRS.intersection(path.relative_to(root).parts[:-1])
    )


def stdlib_cells(recursive: bool = True) -> list[tuple[str, str]]:
    """(label, source) for every top-level statement of every stdlib module, sorted."""
    cells: list[tuple[str, str]] = []
    root = stdlib_dir()
    for path in stdlib_files(recursive):
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
            cells.append((f"{path.relative_to(root)}:{start}", source))
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
