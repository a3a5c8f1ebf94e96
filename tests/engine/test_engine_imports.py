"""The engine runs inside notebook environments: standard library and ipykernel only.

Every import statement anywhere in ``engine/reflow`` (top level or inside a
function) must name the standard library, the engine itself, or ipykernel and
the IPython it brings. Never Qt, never ``reflow_desktop``; optional libraries
such as pandas are recognised by the type of a user's value, never imported.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine" / "reflow"
ALLOWED = set(sys.stdlib_module_names) | {"reflow", "ipykernel", "IPython"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_engine_imports_only_stdlib_and_ipykernel():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 20
    offenders = {str(p.relative_to(ENGINE)): sorted(imported_roots(p) - ALLOWED) for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_engine_loads_no_desktop_or_qt():
    import subprocess

    code = (
        "import sys, reflow, reflow.runtime, reflow.analysis, reflow.graph, reflow.notebook;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('reflow_desktop', 'PySide6', 'qtpy', 'webview', 'IPython', 'ipykernel')];"
        "print(bad)"
    )
    env_path = str(ENGINE.parent)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": ""}, cwd="/"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"  # the core engine does not even load IPython
