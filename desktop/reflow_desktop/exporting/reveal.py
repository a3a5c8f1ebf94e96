"""After an export: remember where the file went, and open its folder in the file manager.

"Show in folder" comes from a page, and a page is not trusted with paths: the app opens
only the folder of a file it wrote itself (``ExportedFiles.allows``), never a path the
page names. The opener is the platform's (``open`` on macOS, Explorer on Windows,
``xdg-open`` elsewhere, as Qt's QDesktopServices uses); ``REFLOW_FOLDER_OPENER``
replaces its command (tests, or a user's favourite file manager), the folder appended.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
from pathlib import Path

OPENER_ENV = "REFLOW_FOLDER_OPENER"
_KEEP = 20  # remembered exports per notebook (the notice offers the last one)


class ExportedFiles:
    """The files this app exported, per notebook (session id); safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: dict[str, list[Path]] = {}

    def add(self, key: str, path: Path) -> Path:
        """Record ``path`` (resolved) as just exported for ``key``; returns it."""
        resolved = path.resolve()
        with self._lock:
            paths = [p for p in self._paths.get(key, []) if p != resolved]
            self._paths[key] = [*paths, resolved][-_KEEP:]
        return resolved

    def allows(self, key: str, path: object) -> Path | None:
        """The exported file ``path`` names, if this app exported it for ``key``; else None."""
        if not isinstance(path, str) or not path or "\x00" in path:
            return None
        try:
            wanted = Path(path).resolve()
        except (OSError, RuntimeError, ValueError):
            return None
        with self._lock:
            return wanted if wanted in self._paths.get(key, []) else None


def opener_command(folder: Path) -> list[str]:
    """The command that shows ``folder`` in the platform's file manager."""
    override = os.environ.get(OPENER_ENV, "").strip()
    if override:
        return [*shlex.split(override), str(folder)]
    if sys.platform == "darwin":
        return ["open", str(folder)]
    if sys.platform == "win32":
        return ["explorer", str(folder)]
    return ["xdg-open", str(folder)]


def show_in_folder(exported: Path) -> Path:
    """Open the folder holding ``exported`` (detached: the file manager outlives nothing of ours).

    Returns the folder; OSError when the folder is gone or no opener can be started.
    """
    folder = exported.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder {folder} no longer exists")
    proc = subprocess.Popen(
        opener_command(folder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=sys.platform != "win32",
        close_fds=True,
    )
    threading.Thread(target=proc.wait, name="reflow-opener-reaper", daemon=True).start()  # no zombie
    return folder
