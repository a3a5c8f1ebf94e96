"""Where exported outputs come from: the sidecar when current, or a fresh run.

``--run`` starts the notebook's real kernel (``python -m reflow.kernel``, the
same Session the app uses, in the notebook's own uv environment) read-only,
runs every cell, and collects the protocol outputs, so an export shows exactly
what the app would show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reflow.notebook import Notebook

from .outputs import Output


def sidecar_outputs(path: str | Path, nb: Notebook) -> dict[str, list[Output]] | None:
    """Outputs saved in ``__reflow__/`` if they are current for EVERY code cell, else None.

    Current means: stored for exactly the code (hash) the cell has now. Outputs of
    an edited notebook could contradict its code (an edit changes descendants
    too), so a partly current sidecar is not used.
    """
    try:
        from reflow_desktop.sidecar import CellSource, SidecarStore
    except ImportError:  # the sidecar package is optional for exports
        return None
    try:
        loaded = SidecarStore(Path(path)).load()
        cells = [CellSource(id=c.id, kind=c.kind, code=c.source) for c in nb.cells]
        restored = SidecarStore.restore(cells, loaded.data)
    except Exception:
        return None
    code_ids = [c.id for c in nb.cells if c.kind == "code"]
    if not code_ids or any(cid not in restored or restored[cid].status != "idle" for cid in code_ids):
        return None
    return {cid: list(restored[cid].outputs) for cid in code_ids}


class RunError(RuntimeError):
    """The notebook could not be run (its environment or kernel failed); the text says why."""


async def _run(path: Path, python: str | None) -> tuple[Notebook, dict[str, list[Output]], dict[str, Any]]:
    from reflow_desktop import envs
    from reflow_desktop.session.session import Session

    session = Session(path, read_only=True, python=python, autosave_delay=None, environments=envs.enabled())
    session.secrets.ask_missing = False  # no page to ask: a secret the keychain lacks is left out (secrets/)
    try:
        await session.start()  # read-only sessions run every cell on open
        if session.kernel.state == "dead":
            raise RunError(session.kernel_message or "the kernel could not be started")
        await session.to_kernel({"type": "run_stale"})  # barrier: answered after the open run
        states = {c["id"]: c for c in session.cell_states()}
    finally:
        await session.close()
    outputs = {cid: list(st["outputs"]) for cid, st in states.items()}
    return session.notebook, outputs, states


def run_outputs(
    path: str | Path, python: str | None = None
) -> tuple[Notebook, dict[str, list[Output]], dict[str, Any]]:
    """Run the notebook in a fresh kernel in its own environment (RunError if it cannot).

    Returns (notebook as run, outputs, CellStates) by cell id.
    """
    import asyncio  # here: an export from saved outputs starts no event loop

    return asyncio.run(_run(Path(path), python))
