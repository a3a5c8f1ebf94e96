"""No import loop in ``reflow_desktop`` (desktop/) or ``reflow`` (engine/).

The import graph is built from the source with ``ast`` (nothing is imported):
every ``import`` counts — at module level, under ``if TYPE_CHECKING:`` and inside
functions — because a loop through a lazy or type-only import is still two
modules that cannot be understood (or moved) apart. ``from pkg import name``
points at ``pkg.name`` when that is a module, else at ``pkg``. A child module is
not taken to import its parent package (Python runs the parent first; that is
not a loop).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from reflow.graph.cycles import strongly_connected_components
from reflow.graph.topology import Topology

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [(ROOT / "desktop", "reflow_desktop"), (ROOT / "engine", "reflow")]


def module_files(root: Path, package: str) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imported_names(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its text."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.add(sub if sub in known else source)
    return {name for name in found if name in known and name != module}


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    files = module_files(root, package)
    return {module: imported_names(module, path, files) for module, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (the engine's own Tarjan)."""
    topology = Topology()
    for module in sorted(graph):
        topology.add_node(module)
    for module, imported in graph.items():
        for other in sorted(imported):
            topology.add_node(other)
            topology.add_edge(module, other, "import")
    return sorted(sorted(c) for c in strongly_connected_components(topology) if len(c) > 1)


def test_the_checker_finds_a_loop_through_a_type_only_import(tmp_path: Path) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from demo.b import B\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo import a\n")
    (pkg / "c.py").write_text("def f():\n    from . import a\n")
    assert cycles(import_graph(tmp_path, "demo")) == [["demo.a", "demo.b"]]


@pytest.mark.parametrize("root, package", PACKAGES, ids=[p for _, p in PACKAGES])
def test_no_import_cycle(root: Path, package: str) -> None:
    found = cycles(import_graph(root, package))
    assert not found, "import loops:\n" + "\n".join(" <-> ".join(c) for c in found)
