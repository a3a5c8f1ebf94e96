"""The sidecar directory ``__reflow__/`` and everything that keeps work from being lost.

- ``format``: the versioned JSON schema of stored outputs (+ blobs for large binaries)
- ``match``: stored cells ↔ current cells by code hash (per cell, never all-or-nothing)
- ``store``: tolerant read, atomic write, blob garbage collection
- ``writer``: debounced, coalescing, off-loop writes (``SidecarWriter``)
- ``recovery``: autosave of notebooks that have no file (or must not overwrite theirs)
- ``watch``: external changes to the notebook file and the reload/conflict decision
"""

from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.recovery import RecoveryFile, list_recoverable
from reflow_desktop.sidecar.store import CellSource, LoadResult, RestoredCell, SidecarStore
from reflow_desktop.sidecar.watch import FileWatcher, ReloadPlan, plan_reload
from reflow_desktop.sidecar.writer import SidecarWriter

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
