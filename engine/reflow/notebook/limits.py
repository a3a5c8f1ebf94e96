"""Limits on what a notebook file (or a sidecar) from elsewhere may contain, checked without recursion.

A hostile file can nest lists 100,000 deep in its metadata; the parsers (``tomllib``, ``json``)
then die with ``RecursionError``, and data nested just under their limit breaks later in code
that walks it (``copy.deepcopy``, rendering, the UI). So parsing code catches the recursion, and
the parsed data must also pass ``too_deep`` — an explicit, small limit, checked with a loop.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_METADATA_DEPTH = 32  # PEP 723 / [tool.reflow] tables and cell options: real ones nest 3-4 deep
MAX_OUTPUT_DEPTH = 200  # stored outputs and widget values (JSON data, chart specs)


def too_deep(value: object, limit: int) -> bool:
    """Does ``value`` nest lists/tuples/dicts more than ``limit`` levels (a scalar is level 0)?"""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def invalid_text(text: str) -> tuple[int, str] | None:
    """(offset, what) of the first NUL or lone surrogate in ``text``; None when it is clean."""
    nul = text.find("\x00")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        if nul < 0 or exc.start < nul:
            return exc.start, "a lone surrogate (half of a character pair, e.g. a broken emoji)"
    if nul >= 0:
        return nul, "a NUL character"
    return None
