"""A launch starts the notebook's kernel first, then loads the rest of the app beside it.

`reflow edit/run/open --browser` used to import the server, the session and their helpers (about
0.5 s of CPU) and only then launch the kernel, whose own start (Python, IPython, ipykernel: ~0.4 s)
followed in series. When the notebook's environment is built already, its kernel process is now
launched before those imports, as the one kernel of a pool that never refills
(session/kernel_pool.py), and the session's start takes it: the two starts share the two cores.

Nothing of the notebook reaches that kernel before the session takes it (the pool's guarantee: it
starts in its environment's folder and is told its notebook in the comm's open message), so a
notebook whose kernel must not start (untrusted), runs elsewhere, needs secrets in its environment
or reattaches to a run kept in the background simply leaves it unused; ``finish`` stops it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reflow_desktop.session.kernel_pool import KernelPool

log = logging.getLogger(__name__)


def early_python(notebook: Path) -> str | None:
    """The interpreter the notebook's kernel will run, if known without building anything."""
    from reflow_desktop import envs

    if not envs.enabled():
        return sys.executable
    if not notebook.is_file():
        return None
    from reflow_desktop.envs.build import existing_environment

    try:
        env = existing_environment(notebook)
    except Exception:  # a broken block, no interpreter: the session's own start says so
        log.debug("no early kernel for %s", notebook, exc_info=True)
        return None
    return str(env.python) if env is not None else None


async def start(notebook: Path) -> KernelPool | None:
    """Launch the kernel for ``notebook`` now (returns once its process runs); None when not known yet."""
    python = early_python(notebook)
    if python is None:
        return None
    from reflow_desktop.session import kernel_pool

    pool = kernel_pool.KernelPool(size=1, refill=False)
    kernel_pool.install(pool)
    await pool.start_now(python)
    return pool


async def finish(pool: KernelPool | None) -> None:
    """After the session's start: later starts launch their own kernel; an unused early one stops."""
    if pool is None:
        return
    from reflow_desktop.session import kernel_pool

    kernel_pool.install(None)
    await pool.close()
