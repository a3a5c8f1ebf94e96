"""The sidecar directory ``__reflow__/`` and everything that keeps work from being lost.

- ``format``: the versioned JSON schema of stored outputs (+ blobs for large binaries)
- ``match``: stored cells ↔ current cells by code hash (per cell, never all-or-nothing)
- ``store``: tolerant read, atomic write, blob garbage collection
- ``writer``: debounced, coalescing, off-loop writes (``SidecarWriter``)
- ``recovery``: autosave of notebooks that have no file (or must not overwrite theirs)
- ``watch``: external changes to the notebook file and the reload/conflict decision
"""

from typing import TYPE_CHECKING

from reflow_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
    from reflow_desktop.sidecar.recovery import RecoveryFile, list_recoverable
    from reflow_desktop.sidecar.store import CellSource, LoadResult, RestoredCell, SidecarStore
    from reflow_desktop.sidecar.watch import FileWatcher, ReloadPlan, plan_reload
    from reflow_desktop.sidecar.writer import SidecarWriter

# Each name is imported from its module on first use: an export reads the store and needs neither the
# writer (asyncio, the save manager) nor the watcher nor recovery (a CLI start pays for what it uses).
_HOMES = {
    "CellRecord": "format",
    "SidecarData": "format",
    "code_hash": "format",
    "RecoveryFile": "recovery",
    "list_recoverable": "recovery",
    "CellSource": "store",
    "LoadResult": "store",
    "RestoredCell": "store",
    "SidecarStore": "store",
    "FileWatcher": "watch",
    "ReloadPlan": "watch",
    "plan_reload": "watch",
    "SidecarWriter": "writer",
}

__all__ = [
    "CellRecord",
    "CellSource",
    "FileWatcher",
    "LoadResult",
    "RecoveryFile",
    "ReloadPlan",
    "RestoredCell",
    "SidecarData",
    "SidecarStore",
    "SidecarWriter",
    "code_hash",
    "list_recoverable",
    "plan_reload",
]

__getattr__ = lazy_names(__name__, _HOMES)
