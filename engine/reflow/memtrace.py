"""Opt-in allocation tracing for leak hunts: ``REFLOW_TRACEMALLOC=DIR`` in a process's environment.

With it set, :func:`install_from_env` starts ``tracemalloc`` and makes ``SIGUSR2`` dump a snapshot to
``DIR/<pid>-<n>.snapshot`` (``tracemalloc.Snapshot.load`` reads it back; diff two of them to see what
grew). Without it nothing is started and no handler is installed, so it costs nothing when off.
The kernel calls it at start-up; ``benchmarks/memory_growth.py`` drives it.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

ENV = "REFLOW_TRACEMALLOC"
FRAMES = 12  # enough stack to tell a Reflow structure from the container it sits in


def install_from_env() -> bool:
    """Start tracing and the SIGUSR2 dump if ``REFLOW_TRACEMALLOC`` names a folder; True if it did."""
    folder = os.environ.get(ENV)
    if not folder or not hasattr(signal, "SIGUSR2"):
        return False
    import itertools
    import tracemalloc  # only when on: it imports pickle, fnmatch and linecache, which a kernel start does not need
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    counter = itertools.count()
    tracemalloc.start(FRAMES)

    def dump(_signum: int, _frame: FrameType | None) -> None:
        path = out / f"{os.getpid()}-{next(counter)}.snapshot"
        tracemalloc.take_snapshot().dump(str(path) + ".part")
        os.replace(str(path) + ".part", path)  # the reader waits for the final name

    signal.signal(signal.SIGUSR2, dump)
    return True
