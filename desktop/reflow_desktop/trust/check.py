"""Is this notebook trusted here, and which of its cells may run? Signing after a save or "Trust".

Three answers (``TrustState.status``):

- ``trusted``: the file's bytes are as this user last saved or trusted them (or it sits in a folder
  the user declared trusted: ``REFLOW_TRUSTED_DIRS``, ``os.pathsep``-separated) — it opens as today;
- ``changed``: this user trusted this path before and its environment part (the PEP 723 block and
  ``nb.py.lock``) is unchanged, but some code cells changed outside Reflow (a ``git pull``, another
  editor): those cells are *held* — shown, never run — until the user trusts them; the others run;
- ``untrusted``: safe preview — nothing runs, no environment is built, no cache entry is loaded.

Digests: the whole file is bound to its bytes only (a copy of a trusted notebook is trusted, as in
Jupyter); the environment part and each cell's code are bound to the notebook's path too, so a
cell trusted in one notebook does not make the same text run in a notebook from elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reflow.notebook import Notebook
from reflow_desktop.recent import data_dir
from reflow_desktop.resources import examples_dir
from reflow_desktop.trust.store import TrustStore, default_store

TRUSTED_DIRS_ENV = "REFLOW_TRUSTED_DIRS"
Status = Literal["trusted", "changed", "untrusted"]


@dataclass(frozen=True)
class TrustState:
    """What may run: ``held`` are code cells that wait for the user (status ``changed``)."""

    status: Status
    held: frozenset[str] = field(default_factory=frozenset)
    packages: tuple[str, ...] = ()

    @property
    def runs(self) -> bool:
        """A kernel may start (trusted cells run); False in safe preview."""
        return self.status != "untrusted"


# Folders of the user data dir only Reflow writes to: new notebooks and the user's copies of the examples.
OWN_FOLDERS = ("notebooks", "examples")


def trusted_dirs() -> list[Path]:
    """Folders whose notebooks count as this user's own: ``REFLOW_TRUSTED_DIRS``, Reflow's own folders
    and the examples shipped with the installed app (they came with what the user chose to install;
    ``./dev open`` and Help > Examples open them)."""
    named = [Path(p) for p in os.environ.get(TRUSTED_DIRS_ENV, "").split(os.pathsep) if p.strip()]
    shipped = examples_dir()
    own = [*named, *(data_dir() / name for name in OWN_FOLDERS), *([shipped] if shipped else [])]
    return [p.resolve() for p in own]


def _in_trusted_dir(path: Path) -> bool:
    return any(path.is_relative_to(d) for d in trusted_dirs())


def packages_of(nb: Notebook) -> tuple[str, ...]:
    """The PEP 723 dependencies that "Trust and run" would install."""
    return tuple(nb.metadata.dependencies) if nb.metadata is not None else ()


def _lock_bytes(path: Path) -> bytes:
    lock = path.with_name(path.name + ".lock")
    try:
        return lock.read_bytes() if lock.is_file() and not lock.is_symlink() else b""
    except OSError:
        return b""


def _file_sig(store: TrustStore, path: Path, content: bytes) -> str:
    return store.digest(b"notebook", content, _lock_bytes(path))  # the lock decides what gets installed


def _env_sig(store: TrustStore, path: Path, nb: Notebook) -> str:
    block = nb.metadata.raw if nb.metadata is not None else ""
    return store.digest(b"environment", os.fsencode(path), block.encode("utf-8", "surrogatepass"), _lock_bytes(path))


def _cell_sigs(store: TrustStore, path: Path, nb: Notebook) -> dict[str, str]:
    code = [c for c in nb.cells if c.kind == "code"]
    sigs = store.digests((b"cell", os.fsencode(path)), [c.source.encode("utf-8", "surrogatepass") for c in code])
    return {c.id: sig for c, sig in zip(code, sigs, strict=True)}


def assess(path: Path, nb: Notebook, *, content: bytes | None = None, store: TrustStore | None = None) -> TrustState:
    """The trust of ``nb`` read from ``path`` (``content``: the file's bytes, read if not given)."""
    path = path.resolve()
    packages = packages_of(nb)
    if _in_trusted_dir(path):
        return TrustState("trusted", packages=packages)
    store = store or default_store()
    if content is None:
        try:
            content = path.read_bytes()
        except OSError:
            content = b""
    if content and store.known("notebooks", [_file_sig(store, path, content)]):
        return TrustState("trusted", packages=packages)
    if not store.known("cells", [_env_sig(store, path, nb)]):
        return TrustState("untrusted", packages=packages)
    cells = _cell_sigs(store, path, nb)
    known = store.known("cells", cells.values())
    held = frozenset(cid for cid, sig in cells.items() if sig not in known)
    return TrustState("changed" if held else "trusted", held=held, packages=packages)


def sign_notebook(
    path: Path, nb: Notebook, *, hold: frozenset[str] = frozenset(), store: TrustStore | None = None
) -> None:
    """Record ``nb`` (as now in ``path``) as this user's: after a save from Reflow, "Trust", ``--trust``.

    ``hold``: code cells not to vouch for (a save while they still wait for the user); then the
    file's bytes are not signed either, only the environment part and the other cells.
    """
    path = path.resolve()
    store = store or default_store()
    cells = _cell_sigs(store, path, nb)
    vouched = [sig for cid, sig in cells.items() if cid not in hold]
    fresh = set(vouched) - store.known("cells", vouched)  # a save after one edit writes one row, not 500
    rows = {"cells": [_env_sig(store, path, nb), *(sig for sig in vouched if sig in fresh)]}
    if not hold:
        try:
            rows["notebooks"] = [_file_sig(store, path, path.read_bytes())]
        except OSError:
            pass
    store.add_all(rows)
