"""``from module import *``: the names it binds enter the graph when the cell runs.

Static analysis cannot know them, so a star-importing cell starts with only its
other defs (``CellAnalysis.star_imports`` lists the modules). Once the cell ran,
the module is in ``sys.modules`` and the names are what Python itself binds:
``module.__all__``, or every public name of the module. The cell is re-analysed
with them (so reads after the import in the same cell are no longer refs) and the
graph gets the new analysis; cells that read those names become its children.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from types import ModuleType

from reflow.analysis import CellAnalysis, analyze_cell
from reflow.graph import DataflowGraph


def _module(written: str, namespace: Mapping[str, object]) -> ModuleType | None:
    """The imported module ``written`` (``m.sub`` or relative ``.m``) names, if it was imported."""
    name = written
    if written.startswith("."):
        package = namespace.get("__package__") or None
        try:
            name = importlib.util.resolve_name(written, package if isinstance(package, str) else None)
        except (ImportError, ValueError):
            return None
    module = sys.modules.get(name)
    return module if isinstance(module, ModuleType) else None


def star_names(module: ModuleType) -> frozenset[str]:
    """The names ``from module import *`` binds (Python's rule)."""
    public = getattr(module, "__all__", None)
    if isinstance(public, (list, tuple)) and all(isinstance(n, str) for n in public):
        return frozenset(n for n in public if n.isidentifier())
    return frozenset(n for n in vars(module) if isinstance(n, str) and not n.startswith("_"))


def learn_star_names(
    graph: DataflowGraph,
    cell_id: str,
    code: str,
    namespace: Mapping[str, object],
    *,
    shared_privates: bool = False,
) -> CellAnalysis | None:
    """After ``cell_id`` ran: put its star-imported names in the graph.

    Returns the cell's new analysis, or None when nothing changed (no star import,
    module not imported because the cell failed first, or the same names as before).
    """
    current = graph.analysis(cell_id)
    if not current.star_imports:
        return None
    learned: dict[str, frozenset[str]] = {}
    for written in current.star_imports:
        module = _module(written, namespace)
        if module is not None:
            learned[written] = star_names(module)
    if not learned:
        return None
    analysis = analyze_cell(code, star_names=learned, shared_privates=shared_privates)
    if analysis == current:
        return None
    graph.set_cell(cell_id, analysis)
    return analysis
