"""Where an imported notebook goes: beside the original, never over an existing file."""

from __future__ import annotations

from pathlib import Path


def free_path(source: Path) -> Path:
    """``nb.ipynb`` → ``nb.py``; taken (or the source itself) → ``nb_reflow.py``, ``nb_reflow_2.py``…"""
    stem = source.with_suffix("")
    first = stem.with_suffix(".py")
    if not first.exists() and first.resolve() != source.resolve():
        return first
    n = 1
    while True:
        cand = stem.parent / (f"{stem.name}_reflow.py" if n == 1 else f"{stem.name}_reflow_{n}.py")
        if not cand.exists():
            return cand
        n += 1
