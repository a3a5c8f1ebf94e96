"""Automatic export snapshots: ``__reflow__/<name>.ipynb`` / ``.html`` kept current after runs.

Opt-in per notebook in its PEP 723 block::

    # [tool.reflow]
    # snapshots = ["ipynb", "html"]

so that a colleague (or GitHub, or a static site) can read the latest results
without Reflow. Snapshots are rendered from what the session shows (the same
exporters as File ▸ Export), only once the kernel is idle again, debounced, and
written atomically off the event loop; a failure is reported once, never raised.
When is the session's ``SaveManager``'s call (a 2 s debounce after each finished
operation); this module only says what to write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from reflow.notebook.confined import Confined
from reflow.notebook.metadata import reflow_config
from reflow_desktop.session.doors import NotebookView
from reflow_desktop.session.saves import Policy, SaveManager
from reflow_desktop.sidecar.format import SIDECAR_DIR, to_bytes

log = logging.getLogger(__name__)

FORMATS = ("ipynb", "html")
DEFAULT_DELAY_S = 2.0
SAVEABLE = "snapshots"


class SnapshotSource(NotebookView, Protocol):
    """What a snapshot needs of its session: the document and outputs, and whether it may write."""

    @property
    def read_only(self) -> bool: ...


def requested_formats(view: NotebookView) -> tuple[list[str], list[str]]:
    """(formats to write, unknown names) from ``[tool.reflow] snapshots`` (a list or one string)."""
    value = reflow_config(view.notebook).get("snapshots", [])
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    wanted = [n for n in FORMATS if n in names]
    unknown = [str(n) for n in names if n not in FORMATS]
    return wanted, unknown


def snapshot_path(notebook: Path, fmt: str) -> Path:
    """Where a snapshot of ``notebook`` in ``fmt`` goes: its sidecar directory."""
    return notebook.parent / SIDECAR_DIR / f"{notebook.stem}.{fmt}"


class SnapshotWriter:
    """Refreshes the requested snapshots a moment after each run has finished (timing: the save manager)."""

    def __init__(
        self,
        source: SnapshotSource,
        notify: Callable[[str, str], None],
        *,
        delay: float = DEFAULT_DELAY_S,
        saves: SaveManager | None = None,
    ) -> None:
        self.source = source
        self.notify = notify
        self.writes = 0  # how many snapshot files were written (tests count, never time)
        self._warned: set[str] = set()
        self._saves = saves if saves is not None else SaveManager()
        self._saves.register(SAVEABLE, self.write_now, Policy(delay))

    @property
    def delay(self) -> float:
        return self._saves.entry(SAVEABLE).policy.delay or DEFAULT_DELAY_S

    @delay.setter
    def delay(self, value: float) -> None:
        self._saves.set_policy(SAVEABLE, Policy(value))

    def run_finished(self) -> None:
        """An operation has finished: refresh the snapshots after ``delay`` unless another comes."""
        wanted, unknown = requested_formats(self.source)
        for name in unknown:
            if name not in self._warned:
                self._warned.add(name)
                self.notify(
                    "warning",
                    f"[tool.reflow] snapshots: unknown format {name!r}; "
                    f"use {' and/or '.join(repr(f) for f in FORMATS)}.",
                )
        if not wanted or self.source.read_only:
            return
        self._saves.changed(SAVEABLE)

    async def write_now(self) -> None:
        """Render on the loop (the session's state is not thread-safe), write in a thread."""
        from reflow_desktop.exporting.live import export_session

        wanted, _ = requested_formats(self.source)
        loop = asyncio.get_running_loop()
        for fmt in wanted:
            target = snapshot_path(self.source.path, fmt)
            try:
                text = export_session(self.source, fmt).text  # type: ignore[arg-type]  # fmt: a FORMATS key, as str
                await loop.run_in_executor(None, _write, self.source.path, fmt, text)
                self.writes += 1
            except Exception as exc:  # missing UI bundle, read-only folder, ...
                key = f"{fmt}:{type(exc).__name__}"
                if key not in self._warned:
                    self._warned.add(key)
                    self.notify("warning", f"Could not refresh the {fmt} snapshot {target}: {exc}")
                log.warning("snapshot %s failed: %s", target, exc)

    async def close(self) -> None:
        """Write what a pending refresh would have written."""
        await self._saves.save(SAVEABLE)


def _write(notebook: Path, fmt: str, text: str) -> None:
    """Atomically into ``__reflow__/`` beside the notebook, never through a link there."""
    Confined(notebook.parent, SIDECAR_DIR).write_bytes(f"{notebook.stem}.{fmt}", data=to_bytes(text))
