"""The Packages panel's server side: edit the notebook's PEP 723 block with uv, rebuild, restart.

One operation at a time (an asyncio.Lock). uv runs in a worker thread and its
lines stream to every client as ``env_progress``. The order matters so that a
failure never breaks a working notebook:

1. pending cell edits are saved, so uv edits the file the user sees;
2. ``uv add|remove --script`` edits the block (uv writes only on success);
3. the block is re-read into the session's notebook (metadata only: cells and
   their unsaved edits stay as they are in memory);
4. the new environment is built beside the old one; only when it is ready does
   the kernel restart into it, the notebook's outputs kept and shown stale until
   a run replaces them (auto mode runs it all again). A failed build puts the
   file (and lock file) back as they were, so the old environment and kernel
   keep matching it.

It also answers, for the event pipeline, which package an import error asks for
(``install_hint``), for the "Install X" button. It reaches the session only
through ``PackagesDoor``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reflow_desktop import protocol as P
from reflow_desktop.session.doors import PackagesDoor

log = logging.getLogger(__name__)
Reply = Callable[[dict[str, Any]], None]


class PackageManager:
    """Package operations of one session (see the module docstring for the order of steps)."""

    def __init__(self, session: PackagesDoor) -> None:
        self.session = session
        self.lock = asyncio.Lock()
        self.building = False
        self.failure: str | None = None  # uv's message from the last failed operation
        self.ran_all = False  # the last restart into a new environment ran the whole notebook

    # --- state ---------------------------------------------------------------------
    def message(self) -> dict[str, Any]:
        """The ``packages`` message: the block's dependencies and the environment's state."""
        s = self.session
        md = s.notebook.metadata
        from reflow_desktop.envs.spec import lock_file

        env: dict[str, Any]
        python = Path(s.kernel_python)
        if self.building:
            env = {"state": "building"}
        elif not s.environments:
            env = {"state": "none", "python": ".".join(map(str, sys.version_info[:3]))}
        elif python != Path(sys.executable) and python.exists():
            from reflow_desktop.envs.build import venv_python_version  # packaging, filelock: not on every launch

            venv = python.parent.parent
            env = {"state": "ready", "path": str(venv)}
            version = venv_python_version(venv)
            if version:
                env["python"] = version
        elif s.kernel_state == "dead":
            env = {"state": "failed", "message": s.kernel_message or "the environment could not be built"}
        else:
            env = {"state": "building"}
        if self.failure and env["state"] != "building":
            env = {**env, "state": "failed", "message": self.failure}
        return P.packages_msg(
            dependencies=list(md.dependencies) if md else [],
            requires_python=md.requires_python if md else None,
            locked=lock_file(s.path).exists(),
            env=env,
        )

    def broadcast(self) -> None:
        self.session.broadcast(self.message())

    # --- operations --------------------------------------------------------------------
    async def add(self, requirement: str | list[str], rerun: list[str] | None = None) -> bool:
        """``uv add --script`` (one requirement or several), build and restart; re-run ``rerun`` cells on success."""
        from reflow_desktop.envs import add_package

        self.ran_all = False
        what = requirement if isinstance(requirement, str) else ", ".join(requirement)
        ok = await self._edit(lambda progress: add_package(self.session.path, requirement, progress), f"Adding {what}")
        if ok and rerun and not self.ran_all:  # a restart that ran the notebook ran these cells too
            cells = [{"id": c.id, "code": c.source} for c in self.session.notebook.cells if c.id in rerun]
            if cells:
                await self.session.to_kernel({"type": "run", "cells": cells})
        return ok

    async def remove(self, name: str) -> bool:
        from reflow_desktop.envs import remove_package

        return await self._edit(lambda progress: remove_package(self.session.path, name, progress), f"Removing {name}")

    async def lock_file(self) -> bool:
        """``uv lock --script`` → ``nb.py.lock``; the lock is part of the environment's key, so rebuild."""
        from reflow_desktop.envs import lock

        return await self._edit(lambda progress: lock(self.session.path, progress), "Locking")

    async def rebuild(self) -> bool:
        """A fresh copy of the environment (swapped in on success), then a kernel restart."""
        async with self.lock:
            return await self._build(rebuild=True, what="Rebuilding the environment")

    # --- steps --------------------------------------------------------------------------
    async def _edit(self, run: Callable[[Callable[[str], None]], object], what: str) -> bool:
        """Save, let uv edit the file, re-read the block, build; put the files back on failure."""
        from reflow_desktop.envs import EnvError
        from reflow_desktop.envs.spec import lock_file

        s = self.session
        if not s.path.exists() or s.dirty:
            s.save()
        async with self.lock:
            lock_path = lock_file(s.path)
            before = s.path.read_bytes()
            lock_before = lock_path.read_bytes() if lock_path.exists() else None
            self.building = True
            self.failure = None
            self.broadcast()
            progress = s.env_progress()
            with s.pause_autosave():  # no autosave while uv writes the file
                try:
                    await asyncio.get_running_loop().run_in_executor(None, lambda: run(progress))
                except EnvError as exc:
                    self.building = False
                    self._failed(what, exc)
                    return False
                finally:
                    self.building = False
                self.reload_metadata()
            if await self._build(rebuild=False, what=what):
                return True
            # the new block cannot be built: back to the file the running kernel matches
            with s.pause_autosave():  # not atomic either: no poll may read it half written
                s.path.write_bytes(before)
                if lock_before is None:
                    lock_path.unlink(missing_ok=True)
                else:
                    lock_path.write_bytes(lock_before)
                self.reload_metadata()
            self.broadcast()
            return False

    def reload_metadata(self) -> None:
        """Copy the file's block (and header layout) into the session's notebook; cells stay."""
        from reflow.notebook import parse_notebook

        s = self.session
        s.take_file_metadata(parse_notebook(s.path.read_text(encoding="utf-8")))

    async def _build(self, *, rebuild: bool, what: str) -> bool:
        """Build (or reuse) the environment; restart the kernel into it only when it is ready."""
        from reflow.notebook import NotebookFormatError
        from reflow_desktop.envs import EnvError

        s = self.session
        if not s.environments:
            self.broadcast()
            return True
        self.building = True
        self.failure = None
        self.broadcast()
        try:
            env = await s.build_environment(rebuild=rebuild)
        except (EnvError, NotebookFormatError) as exc:
            self.building = False
            self._failed(what, exc)
            return False
        self.building = False
        changed = str(env.python) != s.kernel_python or rebuild or env.created
        if changed or s.kernel_state == "dead" or not s.kernel_started:
            s.broadcast(P.env_progress_msg("Restarting the kernel in the notebook's environment"))
            self.ran_all = await s.restart_in(str(env.python))  # outputs kept (stale); auto mode runs again
        self.broadcast()
        return True

    def _failed(self, what: str, exc: Exception) -> None:
        """Tell every client what uv said; nothing else changes."""
        detail = (getattr(exc, "uv_output", "") or "").strip() or str(exc)
        self.failure = detail
        # uv's own lines already streamed as progress; close the log with one line
        self.session.broadcast(P.env_progress_msg(f"{what} failed; nothing was changed."))
        self.session.broadcast(
            P.notice_msg("error", f"{what} failed; the notebook and its environment are unchanged.\n{detail}")
        )
        self.broadcast()

    # --- install hints --------------------------------------------------------------------
    def install_hint(self, message: str) -> tuple[str, str] | None:
        """(module, package) to offer for a ModuleNotFoundError's message; None when no install can help."""
        if self.session.read_only or not self.session.environments:
            return None  # without environments an install would not reach the kernel
        from reflow_desktop.envs import distribution_for_import, module_from_error

        module = module_from_error(message)
        package = distribution_for_import(module) if module else None
        return (module, package) if module and package else None
