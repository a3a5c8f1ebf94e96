"""Applying value changes from the UI: convert, store, re-run the readers.

The globals bound to an element are found by scanning the namespace with ``is``
(an element inside an array/dictionary/form binds through its container). The
cells to run are the graph readers of those names minus their defining cell —
never the cell that made the element. Lazy mode marks them stale instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reflow.ui._core import REGISTRY, UIElement, form


def merge(updates: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Keep only the last value per element, in the order elements were last touched."""
    last: dict[str, Any] = {}
    for element_id, value in updates:
        last.pop(element_id, None)
        last[element_id] = value
    return list(last.items())


def _lineage(element: UIElement) -> list[UIElement]:
    """The element and the containers its change reaches (a form stops it: submit only)."""
    chain = [element]
    node = element
    while node._parent is not None:
        parent = node._parent()
        if parent is None or isinstance(parent, form):
            break
        chain.append(parent)
        node = parent
    return chain


def bound_names(namespace: dict[str, Any], elements: Iterable[UIElement]) -> set[str]:
    """Globals whose value is one of ``elements`` or a container reached from them."""
    targets: dict[int, UIElement] = {}
    for element in elements:
        for node in _lineage(element):
            targets[id(node)] = node
    names = set()
    for name, value in namespace.items():
        if isinstance(value, UIElement) and targets.get(id(value)) is value:
            names.add(name)
    return names


def cells_to_run(runtime: Any, names: Iterable[str]) -> list[str]:
    """Readers of ``names`` minus each name's defining cells."""
    graph = runtime.graph
    cells: set[str] = set()
    for name in names:
        cells |= set(graph.readers(name)) - set(graph.definers(name))
    return [c for c in runtime.cells() if c in cells]


def apply_updates(runtime: Any, updates: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Set element values from the UI and run (or mark stale) the cells that read them.

    Returns ``{"applied": [...], "unknown": [...], "errors": {id: message}, "cells": [...]}``.
    """
    applied: list[UIElement] = []
    unknown: list[str] = []
    errors: dict[str, str] = {}
    for element_id, value in merge(updates):
        element = REGISTRY.get(element_id)
        if element is None:
            unknown.append(element_id)
            continue
        try:
            element._update(value)
        except Exception as exc:
            errors[element_id] = f"{type(exc).__name__}: {exc}"
            continue
        element._remember()  # kept for the next open of the notebook (reflow.ui._persist)
        applied.append(element)
    cells = cells_to_run(runtime, bound_names(runtime.namespace, applied)) if applied else []
    if cells:
        if runtime.mode == "lazy":
            runtime.mark_stale(cells)
        else:
            runtime.run_cells(cells)
    for element in applied:  # run_button: True only for the run it triggered
        if getattr(element, "reset_after_run", False):
            element._value = False
    return {"applied": [e._id for e in applied], "unknown": unknown, "errors": errors, "cells": cells}
