"""Limits on what a notebook file (or a sidecar) from elsewhere may contain, checked without recursion.

A hostile file can nest lists 100,000 deep in its metadata; the parsers (``tomllib``, ``json``)
then die with ``RecursionError``, and data nested just under their limit breaks later in code
that walks it (``copy.deepcopy``, rendering, the UI). So parsing code catches the recursion, and
the parsed data must also pass ``too_deep`` — an explicit, small limit, checked with a loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

MAX_METADATA_DEPTH = 32  # PEP 723 / [tool.reflow] tables and cell options: real ones nest 3-4 deep
MAX_OUTPUT_DEPTH = 200  # stored outputs and widget values (JSON data, chart specs)
_CONTAINERS = (dict, list, tuple)


def too_deep(value: object, limit: int) -> bool:
    """Does ``value`` nest lists/tuples/dicts more than ``limit`` levels (a scalar is level 0)?

    Walks level by level with a loop (no recursion), looking only at containers: strings and
    numbers, most of an output, cost one type check each.
    """
    level: list[object] = [value] if isinstance(value, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[object] = []
        for item in level:
            children: Iterable[object] = item.values() if isinstance(item, dict) else cast("Iterable[object]", item)
            below += [c for c in children if isinstance(c, _CONTAINERS)]
        level = below
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
