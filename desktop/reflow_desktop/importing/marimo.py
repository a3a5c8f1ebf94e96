"""marimo notebook (``app = marimo.App()`` + ``@app.cell`` functions) → Reflow notebook.

Read with ``ast`` only, never imported or run. Each cell is its function's
body without the trailing ``return`` of its definitions; ``@app.function`` and
``@app.class_definition`` cells keep the whole definition; ``with app.setup:``
becomes a first cell. ``mo.md("...")`` with a constant string becomes a
markdown cell. The ``import marimo as mo`` cell is dropped when nothing uses
``mo`` any more; otherwise marimo is added to the dependencies. ``mo.stop``
becomes ``reflow.stop`` (same meaning), and cells are put in an order that runs
top to bottom (marimo orders by dependencies, not by position).
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from typing import Any

from reflow.analysis import analyze_cell
from reflow.graph import DataflowGraph
from reflow.notebook import Cell, Notebook, ScriptMetadata
from reflow.notebook.errors import NotebookFormatError
from reflow.notebook.pep723 import find_block, parse_block

from .dependencies import detect_dependencies, mentioned_scripts
from .magics import comment_block
from .result import ImportProblem, ImportResult, NotebookImportError
from .sniff import is_marimo_source as is_marimo_source  # re-exported: its home was here

_MD_CALLS = {("mo", "md")}


def _is_app_attr(node: ast.expr, names: set[str]) -> str | None:
    """``app.cell`` / ``app.cell(...)`` / ``app.function`` → the attribute name."""
    target = node.func if isinstance(node, ast.Call) else node
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "app"
        and target.attr in names
    ):
        return target.attr
    return None


def _kwargs(node: ast.expr) -> dict[str, Any]:
    if not isinstance(node, ast.Call):
        return {}
    out = {}
    for kw in node.keywords:
        if kw.arg and isinstance(kw.value, ast.Constant):
            out[kw.arg] = kw.value.value
    return out


def _segment(lines: list[str], start: int, end: int) -> str:
    """Lines ``start..end`` (1-based, inclusive), dedented, outer blank lines removed."""
    return textwrap.dedent("\n".join(lines[start - 1 : end])).strip("\n")


def _is_blank_or_comment(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _body_source(fn: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> str:
    """A cell function's body, keeping comments, without the trailing ``return``."""
    body = list(fn.body)
    end = fn.end_lineno or body[-1].end_lineno or fn.lineno
    if isinstance(body[-1], ast.Return):
        end = body[-1].lineno - 1
        body = body[:-1]
    start = fn.body[0].lineno
    while start - 1 > fn.lineno and _is_blank_or_comment(lines[start - 2]):
        start -= 1  # comments between the def line and the first statement
    if start > end:
        return ""
    return _segment(lines, start, end)


def _markdown(source: str) -> str | None:
    """The text of a cell that is only ``mo.md(<constant string>)``, else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and (call.func.value.id, call.func.attr) in _MD_CALLS
        and len(call.args) == 1
        and not call.keywords
    ):
        return None
    arg = call.args[0]
    if isinstance(arg, ast.JoinedStr):  # an f-string without placeholders is plain text
        parts = [v.value for v in arg.values if isinstance(v, ast.Constant)]
        if len(parts) != len(arg.values):
            return None
        text = "".join(str(p) for p in parts)
    elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        text = arg.value
    else:
        return None
    return textwrap.dedent(text).strip("\n")


def _metadata(text: str, problems: list[ImportProblem]) -> ScriptMetadata | None:
    lines = text.split("\n")
    try:
        span = find_block(lines)
        if span is None:
            return None
        data = parse_block(lines, span)
    except NotebookFormatError as exc:
        problems.append(ImportProblem(None, None, "warning", f"script block ignored: {exc}"))
        return None
    return ScriptMetadata(raw="\n".join(lines[span.start : span.end + 1]) + "\n", data=data)


def _unparsable(node: ast.stmt) -> str | None:
    """``app._unparsable_cell(r\"\"\"code\"\"\", name=...)`` → its code."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and _is_app_attr(node.value, {"_unparsable_cell"})
        and node.value.args
        and isinstance(node.value.args[0], ast.Constant)
        and isinstance(node.value.args[0].value, str)
    ):
        return textwrap.dedent(node.value.args[0].value).strip("\n")
    return None


def convert_marimo(text: str, source: Path) -> ImportResult:
    """Convert marimo notebook source text (raises ValueError if it does not parse)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise NotebookImportError(f"{source}: line {exc.lineno}: not valid Python: {exc.msg}") from exc
    lines = text.split("\n")
    problems: list[ImportProblem] = []
    cells: list[Cell] = []
    n = 0
    for node in tree.body:
        if isinstance(node, ast.With) and any(_is_app_attr(i.context_expr, {"setup"}) for i in node.items):
            n += 1
            cells.append(
                Cell(
                    kind="code",
                    source=_segment(lines, node.body[0].lineno, node.end_lineno or node.lineno),
                    options={"title": "setup"},
                )
            )
            continue
        code = _unparsable(node)
        if code is not None:
            n += 1
            commented = comment_block(code)
            note = "# reflow: marimo could not parse this cell; kept as comments\n"
            cells.append(Cell(kind="code", source=note + commented))
            problems.append(ImportProblem(n, None, "error", "unparsable marimo cell kept as comments"))
            continue
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        kinds = [(_is_app_attr(d, {"cell", "function", "class_definition"}), d) for d in node.decorator_list]
        app_decs = [(k, d) for k, d in kinds if k]
        if not app_decs:
            continue
        n += 1
        kind, dec = app_decs[0]
        opts = _kwargs(dec)
        options: dict[str, Any] = {}
        if opts.get("hide_code") is True:
            options["hide_code"] = True
        if opts.get("disabled") is True:
            options["disabled"] = True
        if kind == "cell" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = _body_source(node, lines)
            if node.name != "_" and node.name.isidentifier():
                options["name"] = node.name
        else:  # a whole function / class: drop only the app decorator line(s)
            others = [d for d in node.decorator_list if d is not dec]
            start = min([d.lineno for d in others] + [node.lineno])
            body = _segment(lines, start, node.end_lineno or node.lineno)
        if not body.strip():
            continue
        md = _markdown(body)
        if md is not None:
            cells.append(Cell(kind="markdown", source=md))
        else:
            cells.append(Cell(kind="code", source=body, options=options))
    stops = _use_reflow_stop(cells, _marimo_aliases(cells))
    metadata = _tidy_marimo_use(cells, _metadata(text, problems) or _from_imports(cells, source, problems), problems)
    if stops:
        _import_reflow(cells)
        problems.append(
            ImportProblem(
                None, None, "info", f"mo.stop became reflow.stop in {stops} cell(s): it stops the cell the same way"
            )
        )
    cells = _in_execution_order(cells, problems)
    return ImportResult(notebook=Notebook(metadata=metadata, cells=cells), source=source, problems=problems)


def _from_imports(cells: list[Cell], source: Path, problems: list[ImportProblem]) -> ScriptMetadata | None:
    """No script block: the packages the cells import (marimo itself is handled by ``_tidy_marimo_use``)."""
    found = detect_dependencies(
        [c.source for c in cells if c.kind == "code"],
        source.parent,
        declared=["marimo"],
        mentioned=mentioned_scripts(c.source for c in cells),
    )
    if not found.requirements:
        return None
    problems.append(
        ImportProblem(
            None, None, "info", "added to dependencies from the notebook's imports: " + ", ".join(found.requirements)
        )
    )
    return ScriptMetadata.from_data({"requires-python": ">=3.11", "dependencies": found.requirements})


def _marimo_aliases(cells: list[Cell]) -> set[str]:
    """Names marimo is bound to (``mo`` in ``import marimo as mo``)."""
    names = {"mo"}
    for cell in cells:
        try:
            tree = ast.parse(cell.source) if cell.kind == "code" else None
        except SyntaxError:
            continue
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                names.update(a.asname or a.name for a in node.names if a.name == "marimo")
    return names


def _replace_spans(source: str, spans: list[tuple[int, int, int, int]], text: str) -> str:
    """Replace (line, col, end_line, end_col) spans (ast positions: 1-based lines, UTF-8 columns)."""
    lines = [ln.encode("utf-8") for ln in source.split("\n")]
    for line, col, end_line, end_col in sorted(spans, reverse=True):
        if line != end_line:  # mo . stop over several lines: leave it
            continue
        b = lines[line - 1]
        lines[line - 1] = b[:col] + text.encode("utf-8") + b[end_col:]
    return "\n".join(b.decode("utf-8") for b in lines)


def _use_reflow_stop(cells: list[Cell], aliases: set[str]) -> int:
    """``mo.stop(cond, output)`` → ``reflow.stop(cond, output)`` (same meaning); returns cells changed."""
    changed = 0
    for cell in cells:
        if cell.kind != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        spans = [
            (f.lineno, f.col_offset, f.end_lineno or f.lineno, f.end_col_offset or 0)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for f in [node.func]
            if isinstance(f, ast.Attribute)
            and f.attr == "stop"
            and isinstance(f.value, ast.Name)
            and f.value.id in aliases
        ]
        if spans:
            cell.source = _replace_spans(cell.source, spans, "reflow.stop")
            changed += 1
    return changed


def _import_reflow(cells: list[Cell]) -> None:
    """Make ``reflow`` defined once: beside ``import marimo`` if that stays, else a first cell."""
    for cell in cells:
        if cell.kind == "code" and re.search(r"^import marimo\b", cell.source, re.M):
            cell.source = cell.source.rstrip("\n") + "\nimport reflow"
            return
    cells.insert(0, Cell(kind="code", source="import reflow"))


def _in_execution_order(cells: list[Cell], problems: list[ImportProblem]) -> list[Cell]:
    """marimo runs cells by their dependencies, whatever their order in the file; Reflow reads
    a notebook top to bottom, so cells move down after the cells they read from."""
    graph = DataflowGraph()
    for cell in cells:
        graph.set_cell(cell.id, analyze_cell(cell.source if cell.kind == "code" else ""))
    graph.set_display_order([c.id for c in cells])
    order = graph.execution_order()
    if order == [c.id for c in cells]:
        return cells
    by_id = {c.id: c for c in cells}
    moved = sum(1 for i, cid in enumerate(order) if cells[i].id != cid)
    problems.append(
        ImportProblem(
            None,
            None,
            "info",
            f"{moved} cell(s) reordered so that each runs after the cells it reads from "
            "(marimo orders by dependencies, Reflow top to bottom)",
        )
    )
    return [by_id[cid] for cid in order]


def _tidy_marimo_use(
    cells: list[Cell], metadata: ScriptMetadata | None, problems: list[ImportProblem]
) -> ScriptMetadata | None:
    """Drop an unused ``import marimo as mo`` cell, or make sure marimo is a dependency."""
    uses = [i for i, c in enumerate(cells) if c.kind == "code" and ({"mo", "marimo"} & analyze_cell(c.source).refs)]
    if not uses:
        for cell in cells:
            if cell.kind == "code":
                cell.source = _without_marimo_import(cell.source)
        cells[:] = [c for c in cells if not (c.kind == "code" and not c.source.strip())]
        return metadata
    problems.append(
        ImportProblem(
            None,
            None,
            "warning",
            f"{len(uses)} cell(s) use marimo's API (mo.…); marimo is needed "
            "to run them and its UI elements are not reactive in Reflow",
        )
    )
    deps = metadata.dependencies if metadata else []
    if any(re.match(r"^\s*marimo\b", d) for d in deps):
        return metadata
    data: dict[str, Any] = dict(metadata.data) if metadata else {"requires-python": ">=3.11"}
    data["dependencies"] = [*deps, "marimo"]
    return ScriptMetadata.from_data(data)


def _without_marimo_import(source: str) -> str:
    """The cell without its top-level ``import marimo [as mo]`` statements (nothing uses them)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    drop = {
        n
        for node in tree.body
        if isinstance(node, ast.Import)
        and all(a.name == "marimo" for a in node.names)
        and node.end_lineno == node.lineno
        and ";" not in source.split("\n")[node.lineno - 1]
        for n in [node.lineno]
    }
    if not drop:
        return source
    return "\n".join(ln for i, ln in enumerate(source.split("\n"), start=1) if i not in drop).strip("\n")


def read_marimo(path: str | Path) -> ImportResult:
    """Read and convert a marimo notebook file."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookImportError(f"{path}: not a marimo notebook (not UTF-8 text at offset {exc.start})") from None
    return convert_marimo(text, path)
