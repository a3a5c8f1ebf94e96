"""Writing a converted notebook to a NEW file: complete or not at all, never over another file.

The text goes to a temp file beside the target (fsynced), which is then hard-linked
to the target name: the link fails if the name was taken meanwhile, so a file that
appears between choosing the name and writing is never overwritten. Where hard
links are not available the target is created with O_EXCL instead.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def _create(path: Path, data: bytes) -> None:
    """Create ``path`` exclusively (mode 0o666 minus the umask, like any new file) and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_new_file(target: Path, data: bytes) -> None:
    """Create ``target`` with ``data``; FileExistsError if it exists (even if created meanwhile)."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    _create(tmp, data)
    try:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create
            _create(target, data)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
