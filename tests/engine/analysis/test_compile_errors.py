"""Errors only the compiler finds are reported by analysis (and so by `reflow check`
and the editor), as syntax errors with their line and column."""

from __future__ import annotations

import pytest

from reflow.analysis import analyze_cell

CASES = [
    ("x = 1\nreturn x", "'return' outside function", 2),
    ("yield 1", "'yield' outside function", 1),
    ("x = 1\nbreak", "'break' outside loop", 2),
    ("continue", "'continue' not properly in loop", 1),
    ("for i in y:\n    def f():\n        break", "'break' outside loop", 3),
    ("nonlocal x", "nonlocal declaration not allowed at module level", 1),
    ("def f():\n    def g():\n        nonlocal y", "no binding for nonlocal 'y' found", 3),
    ("def f(x):\n    global x", "name 'x' is parameter and global", 2),
    ("print(x)\nglobal x", "name 'x' is used prior to global declaration", 2),
    ("def f():\n    await g()", "'await' outside async function", 2),
    ("def f():\n    return [x async for x in y]", "asynchronous comprehension outside of an asynchronous function", 2),
    ("def f(a, a):\n    pass", "duplicate argument 'a' in function definition", 1),
    ("f(a=1, a=2)", "keyword argument repeated: a", 1),
    ("*a = 1", "starred assignment target must be in a list or tuple", 1),
    ("try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass", "default 'except:' must be last", 3),
    ("x = 1\nfrom __future__ import annotations", "from __future__ imports must occur at the beginning of the file", 2),
    ("class C:\n    return 1", "'return' outside function", 2),
]


@pytest.mark.parametrize(("source", "message", "line"), CASES)
def test_compile_time_errors_are_syntax_errors_with_a_position(source: str, message: str, line: int) -> None:
    result = analyze_cell(source)
    assert result.error is not None
    assert (result.error.kind, result.error.message, result.error.lineno) == ("syntax", message, line)
    assert result.error.col is not None and result.error.col >= 0
    with pytest.raises(SyntaxError):  # Python agrees
        compile(source, "<cell>", "exec")


@pytest.mark.parametrize("source", [
    "import asyncio\nawait asyncio.sleep(0)",
    "x = [await f(y) for y in z]",
    "async with lock:\n    pass",
    "async for item in stream():\n    print(item)",
    "def f():\n    for i in x:\n        if i:\n            break\n        continue\n    return i",
    "def f():\n    yield 1",
    "def outer():\n    x = 1\n    def inner():\n        nonlocal x\n        x += 1",
    "f(a=1, b=2, **kw)",
])
def test_valid_cells_including_top_level_await_are_not_errors(source: str) -> None:
    assert analyze_cell(source).error is None


def test_top_level_await_cell_defines_and_reads_as_usual() -> None:
    result = analyze_cell("value = await fetch(url)")
    assert result.error is None
    assert result.defs == {"value"} and result.refs == {"fetch", "url"}


def _lifted_bodies(limit: int) -> list[str]:
    """Bodies of standard-library functions and classes, lifted to the top level of a cell:
    full of `return`, `yield`, `nonlocal`, `break` in odd places -- errors or not."""
    import ast
    import sysconfig
    from pathlib import Path

    cells: list[str] = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:60]:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While)):
                cells.append(ast.unparse(ast.Module(body=node.body, type_ignores=[])))
                if len(cells) >= limit:
                    return cells
    return cells


def test_analysis_agrees_with_the_compiler_on_real_code_in_odd_places() -> None:
    import ast

    cells = _lifted_bodies(1500)
    failing = 0
    for source in cells:
        try:
            compile(source, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            compiles = True
        except SyntaxError:
            compiles = False
            failing += 1
        error = analyze_cell(source).error
        assert (error is None) == compiles, (source[:200], error)
    assert failing > 100 and len(cells) - failing > 100  # both kinds were seen
