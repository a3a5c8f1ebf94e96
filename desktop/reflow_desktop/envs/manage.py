"""Change a notebook's package list with uv, which edits the file's PEP 723 block.

``uv add/remove --script`` rewrite the block in place (and ``nb.py.lock`` if it
exists); ``uv lock --script`` writes ``nb.py.lock``. uv writes only after a
successful resolution, so a failure leaves the file unchanged. These do not
touch any environment: the session re-reads the notebook's block and calls
``ensure_environment`` again, which builds the new key's environment while the
old one keeps running. Save unsaved edits to the file *before* calling these.
"""

from __future__ import annotations

from pathlib import Path

from .errors import PackageEditError
from .spec import lock_file, read_spec
from .uv import Progress, run_uv


def add_package(notebook_path: Path, requirement: str | list[str], progress: Progress | None = None) -> list[str]:
    """``uv add --script``: add (or re-pin) requirements; returns the block's new dependency list."""
    reqs = [requirement] if isinstance(requirement, str) else list(requirement)
    return _edit(
        notebook_path, ["add", "--script", str(notebook_path), *reqs], progress, f"adding {', '.join(reqs)} failed"
    )


def remove_package(notebook_path: Path, name: str | list[str], progress: Progress | None = None) -> list[str]:
    """``uv remove --script``: drop packages by name; returns the block's new dependency list."""
    names = [name] if isinstance(name, str) else list(name)
    return _edit(
        notebook_path,
        ["remove", "--script", str(notebook_path), *names],
        progress,
        f"removing {', '.join(names)} failed",
    )


def lock(notebook_path: Path, progress: Progress | None = None) -> Path:
    """``uv lock --script``: write (or refresh) ``nb.py.lock`` next to the notebook; returns its path."""
    notebook_path = Path(notebook_path).resolve()
    run_uv(
        ["lock", "--script", str(notebook_path)],
        progress=progress,
        cwd=notebook_path.parent,
        error=PackageEditError,
        what="locking the notebook's packages failed",
    )
    return lock_file(notebook_path)


def _edit(notebook_path: Path, args: list[str], progress: Progress | None, what: str) -> list[str]:
    notebook_path = Path(notebook_path).resolve()
    args[2] = str(notebook_path)
    run_uv(args, progress=progress, cwd=notebook_path.parent, error=PackageEditError, what=what)
    return list(read_spec(notebook_path).dependencies)
