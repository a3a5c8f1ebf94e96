"""Which file opening a path edits, decided once for every way in (CLI, desktop shell, welcome window).

- A path that does not exist yet (``reflow edit new.py``, the welcome window's New) becomes a new
  notebook written at once, so from its first second it is a notebook like any other: its own uv
  environment is built from the file, the watcher and trust see a file, nothing waits for a first save.
- A shipped example (``examples/*.py`` of a checkout, an installed wheel or the frozen app) is never
  edited in place: opening it opens the user's own copy in the user data dir (made on first open and
  kept, so edits to it survive), and the original and its folder stay untouched, ``__reflow__/``
  included. A copy is what a learner wants from an example (change it and see what happens at once);
  a read-only original would stop them at the first keystroke.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reflow.notebook import new_notebook, render_notebook
from reflow.notebook.atomic import atomic_write_text

EXAMPLES_FOLDER = "examples"  # under the user data dir; trust counts it as the user's own (trust/check.py)


class NotebookCreateError(OSError):
    """A new notebook could not be written where the user asked for it (the message says why)."""


def create_notebook_file(path: Path) -> bool:
    """Write a new notebook (one empty code cell) at ``path`` unless a file is there; True if written.

    Raises NotebookCreateError (no such folder, no permission...).
    """
    if path.exists():
        return False
    try:
        atomic_write_text(path, render_notebook(new_notebook()))
    except OSError as exc:
        raise NotebookCreateError(f"cannot create {path}: {exc.strerror or exc}") from exc
    return True


@dataclass(frozen=True)
class ExampleCopy:
    """The user's copy of a shipped example, and what to tell them about it."""

    path: Path
    notice: str


def shipped_example_dirs() -> list[Path]:
    """Every folder the app ships examples in (checkout, wheel, frozen app), resolved."""
    from reflow_desktop.resources import examples_candidates

    return [c.resolve() for c in examples_candidates() if c.is_dir()]


def user_examples_dir() -> Path:
    """Where the user's copies of the examples live (the welcome window's examples open there too)."""
    from reflow_desktop.recent import data_dir

    return data_dir() / EXAMPLES_FOLDER


def example_copy(
    path: Path, *, shipped: Iterable[Path] | None = None, copies: Path | None = None
) -> ExampleCopy | None:
    """The copy to open instead of ``path`` when it is a shipped example; None for any other file."""
    source = path.resolve()
    if source.suffix != ".py" or not source.is_file():
        return None
    folders = shipped_example_dirs() if shipped is None else [Path(p).resolve() for p in shipped]
    home = next((d for d in folders if source.is_relative_to(d)), None)
    if home is None:
        return None
    dest_root = user_examples_dir() if copies is None else copies
    if dest_root.resolve().is_relative_to(home):
        return None  # the copies live inside the shipped folder (odd set-up): never copy into it
    dest = dest_root / source.relative_to(home)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)  # not copy2: the copy is the user's, with the user's permissions
        os.replace(tmp, dest)
        told = f"{source.name} is an example shipped with Reflow: you are editing your own copy, {dest}."
    elif dest.read_bytes() == source.read_bytes():
        told = f"{source.name} is an example shipped with Reflow: you are editing your own copy, {dest}."
    else:
        told = f"{source.name} is an example shipped with Reflow: this is your copy with your edits, {dest}."
    return ExampleCopy(dest, f"{told} The original is unchanged; use Save As to keep it elsewhere.")
