"""A kernel started before its notebook was known (the app's kernel pool) takes the notebook's place.

A kernel's working directory is fixed when its process starts, and a pre-started kernel starts in a
neutral folder (the environment's), because the notebook that will use it is not known yet. The
app marks such a kernel with ``REFLOW_KERNEL_PRESTARTED=1``; when the first notebook arrives (the
``reflow`` comm's open message, which names the notebook's path) the kernel moves into the
notebook's folder and puts that folder where Python put its start folder on ``sys.path``, so cells
see exactly what a kernel started in that folder sees: ``os.getcwd()``, relative paths, imports of
modules beside the notebook. ``__file__`` comes with the same message for every kernel. The
marker is removed from the environment at once, so cells and their subprocesses never see it.

A kernel can also start while its environment is still being built (the app starts it once
ipykernel is installed, while uv installs the notebook's packages). What Python does once at start
for ``site-packages`` is then done again for what arrived since: the import system's directory
caches are dropped, and the ``.pth`` files installed since (named in the open message as
``added_pth``, each checked to lie directly in one of this interpreter's ``site-packages``) are read
as ``site`` reads them at start. One that uv wrote before this process's own start was read then
too: its folders are not added twice, its ``import`` lines run again (they are meant to be idempotent:
Python runs them at every start).
"""

from __future__ import annotations

import importlib
import os
import site
import sys
from pathlib import Path
from typing import Any

MARKER = "REFLOW_KERNEL_PRESTARTED"
_started_in = os.getcwd()


def is_prestarted() -> bool:
    return os.environ.get(MARKER) == "1"


def take_notebook_place(open_data: dict[str, Any]) -> bool:
    """Move a pre-started kernel into the notebook's folder (once); False when nothing was to do."""
    if not is_prestarted():
        return False
    path = open_data.get("path")
    if not isinstance(path, str) or not path:
        return False
    folder = Path(path).parent
    if not folder.is_dir():
        return False
    os.environ.pop(MARKER, None)
    os.chdir(folder)
    sys.path[:] = [str(folder) if entry == _started_in else entry for entry in sys.path]
    read_added_packages(open_data.get("added_pth"))
    return True


def read_added_packages(added_pth: object) -> list[str]:
    """Packages installed after this process started become importable; the ``.pth`` files read."""
    importlib.invalidate_caches()
    if not isinstance(added_pth, list):
        return []
    sites = {os.path.realpath(p) for p in site.getsitepackages()}
    done = []
    for path in added_pth:
        if not isinstance(path, str) or not path.endswith(".pth"):
            continue
        folder, name = os.path.split(path)
        if os.path.realpath(folder) not in sites or not os.path.isfile(path):
            continue
        site.addpackage(folder, name, None)  # what site.main() did for the files there at start
        done.append(path)
    return done
