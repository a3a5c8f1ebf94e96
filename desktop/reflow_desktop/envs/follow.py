"""Save As: what ties a notebook to its environment follows the notebook to its new path.

The environment key hashes the lock file (``nb.py.lock``) with the block, so a copy without
its lock would ask for another environment and rebuild; the copy gets the lock too. The
environment's usage record names the notebooks that use it (``reflow envs list|clean``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import layout


def carry_lock(old: Path, new: Path) -> None:
    """Give ``new`` the lock file of ``old`` (atomic), or none when ``old`` has none.

    A lock already beside ``new`` belonged to the notebook being replaced there; it would not
    match the block written now. Raises OSError when the lock cannot be written.
    """
    from reflow.notebook.atomic import atomic_write_bytes

    from .spec import lock_file  # packaging's requirement parser with it: not on every launch

    source, target = lock_file(old), lock_file(new)
    if source.resolve() == target.resolve():
        return
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        target.unlink(missing_ok=True)
        return
    atomic_write_bytes(target, data)


def record_notebook(python: str | Path, notebook: Path) -> None:
    """Note that ``notebook`` uses the environment of the interpreter ``python`` (if it is one of ours)."""
    env = Path(python).parent.parent
    if Path(python) != Path(sys.executable) and layout.is_complete(env):
        layout.record_use(env, notebook)
