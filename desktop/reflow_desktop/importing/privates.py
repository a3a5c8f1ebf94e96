"""Jupyter notebooks that share ``_names`` between cells.

In Reflow ``_x`` is private to its cell (DESIGN.md); in Jupyter it is an ordinary
global, and notebooks do call a ``_helper`` defined in an earlier cell. Such a
notebook is imported with ``[tool.reflow] underscore_names = "shared"`` (the
user's code stays as written) and the import report names what needed it.
"""

from __future__ import annotations

from collections.abc import Iterable

from reflow.analysis import analyze_cell, is_private


def cross_cell_privates(sources: Iterable[str]) -> list[str]:
    """The ``_names`` some cell reads and another cell defines, sorted (empty: none)."""
    analyses = [analyze_cell(source, shared_privates=True) for source in sources]
    definers: dict[str, set[int]] = {}
    for index, analysis in enumerate(analyses):
        for name in analysis.defs:
            if is_private(name):
                definers.setdefault(name, set()).add(index)
    shared = {
        name
        for index, analysis in enumerate(analyses)
        for name in analysis.refs
        if name in definers and definers[name] - {index}
    }
    return sorted(shared)
