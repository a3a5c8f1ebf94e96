"""Automatic export snapshots: ``__reflow__/<name>.ipynb`` / ``.html`` kept current after runs.

Opt-in per notebook in its PEP 723 block::

    # [tool.reflow]
    # snapshots = ["ipynb", "html"]

so that a colleague (or GitHub, or a static site) can read the latest results
without Reflow. Snapshots are rendered from what the session shows (the same
exporters as File ▸ Export), only once the kernel is idle again, debounced, and
written atomically off the event loop; a failure is reported once, never raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reflow.notebook import atomic_write_text
from reflow.notebook.metadata import reflow_config

if TYPE_CHECKING:
    from reflow_desktop.session.session import Session

log = logging.getLogger(__name__)

FORMATS = ("ipynb", "html")
DEFAULT_DELAY_S = 2.0


def requested_formats(session: "Session") -> tuple[list[str], list[str]]:
    """(formats to write, unknown names) from ``[tool.reflow] snapshots`` (a list or one string)."""
    value = reflow_config(session.notebook).get("snapshots", [])
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    wanted = [n for n in FORMATS if n in names]
    unknown = [str(n) for n in names if n not in FORMATS]
    return wanted, unknown


def snapshot_path(notebook: Path, fmt: str) -> Path:
    """Where a snapshot of ``notebook`` in ``fmt`` goes: its sidecar directory."""
    return notebook.parent / "__reflow__" / f"{notebook.stem}.{fmt}"


class SnapshotWriter:
    """Refreshes the requested snapshots a moment after each run has finished."""

    def __init__(self, session: "Session", notify: Callable[[str, str], None], *,
                 delay: float = DEFAULT_DELAY_S) -> None:
        self.session = session
        self.notify = notify
        self.delay = delay
        self.writes = 0  # how many snapshot files were written (tests count, never time)
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task | None = None
        self._warned: set[str] = set()

    def kernel_idle(self) -> None:
        """A run has finished: refresh the snapshots after ``delay`` unless another run comes."""
        wanted, unknown = requested_formats(self.session)
        for name in unknown:
            if name not in self._warned:
                self._warned.add(name)
                self.notify("warning", f"[tool.reflow] snapshots: unknown format {name!r}; "
                                       f"use {' and/or '.join(repr(f) for f in FORMATS)}.")
        if not wanted or self.session.read_only:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.write_now())

    async def write_now(self) -> None:
        """Render on the loop (the session's state is not thread-safe), write in a thread."""
        from reflow_desktop.exporting.live import export_session

        wanted, _ = requested_formats(self.session)
        loop = asyncio.get_running_loop()
        for fmt in wanted:
            target = snapshot_path(self.session.path, fmt)
            try:
                text = export_session(self.session, fmt).text  # type: ignore[arg-type]
                await loop.run_in_executor(None, _write, target, text)
                self.writes += 1
            except Exception as exc:  # noqa: BLE001 - missing UI bundle, read-only folder, ...
                key = f"{fmt}:{type(exc).__name__}"
                if key not in self._warned:
                    self._warned.add(key)
                    self.notify("warning", f"Could not refresh the {fmt} snapshot {target}: {exc}")
                log.warning("snapshot %s failed: %s", target, exc)

    async def close(self) -> None:
        """Write what a pending refresh would have written, then stop."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            await self.write_now()
        if self._task is not None:
            await self._task


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)
