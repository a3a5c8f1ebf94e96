"""Match stored cells to current cells by code hash, one cell at a time.

Used on open (stored outputs → cells) and on an external reload (old session
cells → cells re-read from disk). Three passes, so that one edited cell never
costs the others their outputs:

1. cells in the longest common runs of identical hashes (diff alignment) match exactly;
2. a cell whose code moved elsewhere still matches exactly by hash;
3. in a stretch where old and new differ, cells pair up by position: an edited
   cell keeps its old outputs, marked stale by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Match:
    """For one new cell: the old index it came from (or None) and whether the code is identical."""

    old: int | None
    exact: bool


def match_cells(old: list[str], new: list[str], *, pair_changed: bool = True) -> list[Match]:
    """One Match per entry of ``new``; each old index is used at most once."""
    result: list[Match | None] = [None] * len(new)
    used = [False] * len(old)
    sm = SequenceMatcher(None, old, new, autojunk=False)
    opcodes = sm.get_opcodes()
    for tag, i1, i2, j1, _j2 in opcodes:
        if tag == "equal":
            for k in range(i2 - i1):
                result[j1 + k] = Match(i1 + k, True)
                used[i1 + k] = True
    # Moved cells: identical code somewhere else.
    free: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(old):
        if not used[i]:
            free[h].append(i)
    for j, h in enumerate(new):
        if result[j] is None and free.get(h):
            i = free[h].pop(0)
            result[j] = Match(i, True)
            used[i] = True
    if pair_changed:
        for tag, i1, i2, j1, j2 in opcodes:
            if tag != "replace":
                continue
            olds = [i for i in range(i1, i2) if not used[i]]
            news = [j for j in range(j1, j2) if result[j] is None]
            for i, j in zip(olds, news, strict=False):
                result[j] = Match(i, False)
                used[i] = True
    return [m if m is not None else Match(None, False) for m in result]
