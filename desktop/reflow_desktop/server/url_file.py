"""The page's address in a file, for automation: `reflow edit nb.py --no-open --url-file PATH`.

A script waits for PATH to appear instead of parsing what the server prints. The file holds one
line, the page URL with its per-launch token, so it is created private to the user (0600) and
appears whole (written beside, then renamed in) once the server accepts connections. The server
removes it when it stops, unless another launch has replaced it meanwhile.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from reflow.notebook.atomic import atomic_write_text


def write_url_file(path: str | os.PathLike[str], url: str) -> Path:
    """Write ``url`` + newline to ``path`` atomically, readable by this user only; returns the path."""
    target = Path(path).absolute()
    atomic_write_text(target, url + "\n", mode=0o600)
    return target


def remove_url_file(path: Path, url: str) -> None:
    """Remove the file if it still names ``url`` (a later launch's file is left alone)."""
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8").strip() == url:
            path.unlink()
