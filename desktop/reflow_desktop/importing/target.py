"""Where an imported notebook goes: beside the original, never over an existing file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def _candidates(source: Path) -> Iterator[Path]:
    yield source.with_name(f"{source.stem}.py")
    yield source.with_name(f"{source.stem}_reflow.py")
    n = 2
    while True:
        yield source.with_name(f"{source.stem}_reflow_{n}.py")
        n += 1


def earlier_conversions(source: Path) -> list[Path]:
    """Files a previous import of ``source`` may have written (``nb.py``, ``nb_reflow.py``…), existing ones."""
    found = []
    for n, cand in enumerate(_candidates(source)):
        if cand.resolve() == source.resolve():
            continue
        if not cand.exists():
            if n > 0:
                break
            continue
        found.append(cand)
    return found


def free_path(source: Path) -> Path:
    """``nb.ipynb`` → ``nb.py``; taken (or the source itself) → ``nb_reflow.py``, ``nb_reflow_2.py``…

    Only the last suffix is replaced: ``02.01-Intro.ipynb`` → ``02.01-Intro.py``.
    """
    stem = source.stem
    first = source.with_name(f"{stem}.py")
    if not first.exists() and first.resolve() != source.resolve():
        return first
    n = 1
    while True:
        cand = source.with_name(f"{stem}_reflow.py" if n == 1 else f"{stem}_reflow_{n}.py")
        if not cand.exists():
            return cand
        n += 1
