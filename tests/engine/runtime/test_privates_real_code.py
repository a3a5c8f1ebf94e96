"""The privates rewrite on real code: standard-library modules as notebook cells.

Library modules are full of module-level ``_helpers`` and ``_compiled_re`` used
from functions -- exactly what a cell's functions need after the run.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import sysconfig
from pathlib import Path

import pytest

from reflow.runtime import CollectingSink, Runtime
from reflow.runtime.privates import demangle, rewrite_privates


def stdlib_sources(limit: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(root.glob("*.py"))[:limit]


def test_rewritten_stdlib_modules_still_compile():
    checked = 0
    for path in stdlib_sources(150):
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
            compile(tree, str(path), "exec")
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue  # not valid Python on this interpreter to begin with
        rewrite_privates(tree, "cell-id")
        compile(tree, str(path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        checked += 1
    assert checked > 60


@pytest.mark.parametrize(("module", "call"), [
    ("textwrap", "textwrap_result = (dedent('  a\\n  b'), wrap('aaa bbb ccc', 4), shorten('x  y z', 5))"),
    ("fnmatch", "fnmatch_result = (fnmatch('a.py', '*.py'), translate('[!a]?'), filter(['x.c', 'y.h'], '*.c'))"),
    ("shlex", "shlex_result = (split('a \"b c\" d'), quote(\"it's\"), join(['a b', 'c']))"),
    ("colorsys", "colorsys_result = (rgb_to_hls(0.2, 0.4, 0.4), hsv_to_rgb(0.5, 0.5, 0.5))"),
])
def test_a_library_module_as_a_cell_works_from_another_cell(module: str, call: str):
    real = importlib.import_module(module)
    source = inspect.getsource(real)
    # Not "__main__": the modules' `if __name__ == "__main__":` demos must not run.
    rt = Runtime(CollectingSink(), namespace={"__name__": "notebook", "__builtins__": builtins})
    rt.set_cells([("lib", source), ("use", call)])
    rt.run_all()
    assert rt.sink.errors == {}  # type: ignore[attr-defined]
    expected: dict = {}
    exec(call, vars(real).copy(), expected)
    name = f"{module}_result"
    assert rt.namespace[name] == expected[name]
    unmangled = [k for k in rt.namespace if k.startswith("_") and not k.startswith("__") and demangle(k) == k]
    assert unmangled == [], "privates stay out of the shared namespace"
