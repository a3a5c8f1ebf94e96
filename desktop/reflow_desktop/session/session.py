"""Session: one open notebook = its file + its kernel + the cell-state cache.

The session is the only writer of the notebook file (atomic saves through
``reflow.notebook``), applies structural edits (create/delete/move/options)
to its model, forwards reactive operations to the kernel's ``reflow`` comm and
relays the kernel's events to every connected client. Clients are plain
callables taking a protocol message dict, so the server, tests and benchmarks
all attach the same way.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow.notebook import Cell, Notebook, new_notebook, read_notebook, write_notebook

from reflow_desktop import protocol as P
from reflow_desktop.session import settings_handler
from reflow_desktop.session.kernel import KernelProcess
from reflow_desktop.session.packages import PackageManager
from reflow_desktop.session.state import CellCache

if TYPE_CHECKING:
    from reflow_desktop.envs import Environment

log = logging.getLogger(__name__)

Client = Callable[[dict[str, Any]], None]
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Session:
    """One notebook and its kernel. Create, ``await start()``, attach clients."""

    def __init__(self, path: str | Path, *, read_only: bool = False, python: str | None = None,
                 autosave_delay: float | None = 1.0, session_id: str | None = None,
                 environments: bool = False, env_cache_root: Path | None = None) -> None:
        self.path = Path(path).resolve()
        # With `environments`, the kernel runs in the notebook's own uv environment
        # (built from its PEP 723 block) unless an explicit `python` is given.
        self.environments = environments and python is None
        self.env_cache_root = env_cache_root
        self.id = session_id or secrets.token_urlsafe(9)
        self.read_only = read_only
        self.autosave_delay = None if read_only else autosave_delay
        self.notebook: Notebook = (read_notebook(self.path) if self.path.exists()
                                   else new_notebook())
        self.mode = settings_handler.initial_mode(self.notebook)  # [tool.reflow] or user default
        self.cache = CellCache()
        self.clients: list[Client] = []
        self.kernel = KernelProcess(self._on_kernel_event, self._on_kernel_state,
                                    python=python, cwd=str(self.path.parent))
        self.kernel_message: str | None = None
        self._seq = itertools.count(1)
        self._done: dict[int, asyncio.Future] = {}
        self._autosave: asyncio.TimerHandle | None = None
        self.dirty = False
        self.closed = False
        # Told to the first UI that connects (e.g. "converted nb.ipynb into nb.py").
        self.startup_notices: list[str] = []
        # sidecar (issue 6): outputs restored from __reflow__/ now, so the first `session`
        # message shows them; kernel events saved there (debounced); file watched; recovery.
        from reflow_desktop.sidecar.binding import SessionSidecar

        self.sidecar = SessionSidecar(self)
        self.packages = PackageManager(self)   # Packages panel: uv add/remove/lock, rebuild

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        """Start the kernel and give it the notebook (auto mode / app view: run it).

        With environments on, first make sure the notebook's environment exists
        (streaming uv's progress to the UI); if that fails the kernel is reported
        dead with uv's own message and nothing else changes.
        """
        self.sidecar.start()  # sidecar (issue 6): watch the file for external changes
        if self.environments and self.path.exists():
            if not await self._prepare_environment():
                return
        await self.kernel.start(self._open_data(run=self.read_only or self.mode == "auto"))

    def env_progress(self) -> Callable[[str], None]:
        """A callback for worker threads: each line of uv's output goes to the UI."""
        loop = asyncio.get_running_loop()
        return lambda line: loop.call_soon_threadsafe(self.broadcast, P.env_progress_msg(line))

    async def build_environment(self, *, rebuild: bool = False) -> "Environment":
        """Build or reuse the notebook's environment in a worker thread, streaming progress.

        Raises EnvError (uv's text included) or NotebookFormatError.
        """
        from reflow_desktop.envs import ensure_environment

        progress = self.env_progress()
        return await asyncio.get_running_loop().run_in_executor(None, lambda: ensure_environment(
            self.path, progress=progress, cache_root=self.env_cache_root, rebuild=rebuild))

    async def _prepare_environment(self) -> bool:
        """The environment before the first kernel start; False (kernel dead, notice) if it failed."""
        from reflow_desktop.envs import EnvError
        from reflow.notebook import NotebookFormatError

        self._on_kernel_state("starting", "preparing the notebook's environment")
        try:
            env = await self.build_environment()
        except (EnvError, NotebookFormatError) as exc:
            text = f"The notebook's environment could not be prepared: {exc}"
            self.kernel.state = "dead"
            self._on_kernel_state("dead", text)
            self.broadcast(P.notice_msg("error", text))
            return False
        self.kernel.python = str(env.python)
        return True

    async def close(self) -> None:
        """Save pending edits and stop the kernel."""
        if self.closed:
            return
        self.closed = True
        if self._autosave is not None:
            self._autosave.cancel()
            if self.dirty and self.sidecar.may_autosave():  # sidecar: not over a conflict
                try:
                    self.save()
                except OSError as exc:
                    self.sidecar.save_failed(exc)  # sidecar: the edits go to a recovery file
        await self.sidecar.close()  # sidecar (issue 6): final flush of outputs
        await self.kernel.shutdown()

    async def restart(self) -> None:
        """Fresh kernel, same code; outputs are cleared and nothing runs by itself.

        If the kernel never started (its environment failed to build), this is the
        retry: the environment is prepared again and the notebook opens as on start.
        """
        self.cache.clear_outputs()
        self.broadcast(P.cells_msg(self.cell_states()))
        if getattr(self.kernel, "km", None) is None:  # never started (environment failed): retry
            await self.start()
            return
        await self.kernel.restart(self._open_data(run=False))

    def _open_data(self, run: bool) -> dict[str, Any]:
        return {"type": "open", "seq": next(self._seq), "mode": self.mode, "run": run,
                "ui_values": dict(self.sidecar.ui_values),  # sidecar: reflow.ui values kept
                "path": str(self.path),
                "cells": [{"id": c.id, "kind": c.kind, "code": c.source,
                           "options": dict(c.options)} for c in self.notebook.cells]}

    # --- clients ----------------------------------------------------------------------
    def attach(self, client: Client) -> None:
        """A UI connected (or reconnected): send it the full state to resume from."""
        self.clients.append(client)
        client(self.session_message())
        for notice in self.sidecar.pending_notices():  # sidecar: e.g. a corrupt outputs file
            client(notice)
        while self.startup_notices:
            client(P.notice_msg("info", self.startup_notices.pop(0)))
        if self.cache.variables is not None:
            client(self.cache.variables)

    def detach(self, client: Client) -> None:
        if client in self.clients:
            self.clients.remove(client)

    def broadcast(self, msg: dict[str, Any]) -> None:
        self.sidecar.observe(msg)  # sidecar (issue 6): outputs to __reflow__/, own saves
        for client in list(self.clients):
            try:
                client(msg)
            except Exception:  # noqa: BLE001 - one broken client must not stop the others
                log.exception("client send failed")

    def session_message(self) -> dict[str, Any]:
        kernel: dict[str, Any] = {"state": self.kernel.state}
        if self.kernel_message:
            kernel["message"] = self.kernel_message
        return P.session_msg(session=self.id, path=str(self.path), name=self.path.name,
                             mode=self.mode, read_only=self.read_only,
                             cells=self.cell_states(), kernel=kernel,
                             config={"autosave_delay": self.autosave_delay,
                                     "order_valid": self.cache.order_valid,
                                     **settings_handler.notebook_config(self.notebook)})

    def cell_states(self) -> list[P.CellState]:
        return [self.cache.cell_state(c) for c in self.notebook.cells]

    # --- kernel -> clients -----------------------------------------------------------
    def _on_kernel_event(self, event: dict[str, Any]) -> None:
        if not self.sidecar.accept_kernel_event(event):  # sidecar: restored cells stay idle
            return
        if event.get("type") == "done":
            fut = self._done.pop(event.get("seq"), None)
            if fut is not None and not fut.done():
                fut.set_result(None)
            return
        self.packages.annotate(event)   # ModuleNotFoundError -> "install X" hint
        self.cache.apply(event)
        self.broadcast(event)

    def _on_kernel_state(self, state: str, message: str | None) -> None:
        self.kernel_message = message
        if state == "dead":
            for cell in self.notebook.cells:
                st = self.cache.get(cell.id)
                if st.status in ("running", "queued"):
                    st.status = "interrupted" if st.status == "running" else "cancelled"
                    self.broadcast({"type": "cell_status", "id": cell.id, "status": st.status})
            for fut in self._done.values():
                if not fut.done():
                    fut.set_result(None)
            self._done.clear()
        self.broadcast(P.kernel_msg(state, message))  # type: ignore[arg-type]

    def to_kernel(self, data: dict[str, Any]) -> asyncio.Future:
        """Forward one operation; the future resolves when the kernel has finished it."""
        seq = next(self._seq)
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._done[seq] = fut
        try:
            self.kernel.send_comm({**data, "seq": seq})
        except RuntimeError as exc:
            self._done.pop(seq, None)
            fut.set_result(None)
            self.broadcast(P.error_msg(f"Cannot {data.get('type')}: {exc}."))
        return fut

    # --- clients -> session -----------------------------------------------------------
    async def handle(self, raw: object, reply: Client) -> asyncio.Future | None:
        """Handle one UI message. Returns the kernel future for forwarded operations."""
        try:
            msg = P.validate_client_message(raw)
        except P.ProtocolError as exc:
            reply(P.error_msg(str(exc)))
            return None
        mtype = msg["type"]
        if self.read_only and mtype not in P.READ_ONLY_ALLOWED:
            reply(P.error_msg(f"{mtype}: this notebook is open read-only"))
            return None
        method = getattr(self, f"_h_{mtype}")
        try:
            return await method(msg, reply)
        except (KeyError, ValueError, IndexError) as exc:
            reply(P.error_msg(f"{mtype}: {exc}"))
            return None

    async def _h_run(self, msg: dict, reply: Client) -> asyncio.Future:
        cells = []
        for item in msg["cells"]:
            cell = self._cell(item["id"])
            if "code" in item and isinstance(item["code"], str) and item["code"] != cell.source:
                cell.source = item["code"]
                self._changed()
            cells.append({"id": cell.id, "code": cell.source})
        return self.to_kernel({"type": "run", "cells": cells})

    async def _h_edit(self, msg: dict, reply: Client) -> asyncio.Future | None:
        cell = self._cell(msg["id"])
        if msg["code"] == cell.source:
            return None
        cell.source = str(msg["code"])
        self._changed()
        return self.to_kernel({"type": "edit", "id": cell.id, "code": cell.source})

    async def _h_create_cell(self, msg: dict, reply: Client) -> asyncio.Future:
        cid = str(msg["id"])
        if any(c.id == cid for c in self.notebook.cells):
            raise ValueError(f"cell {cid} already exists")
        index = max(0, min(int(msg["index"]), len(self.notebook.cells)))
        cell = Cell(kind=msg["kind"], source=str(msg["code"]),
                    options=dict(msg.get("options") or {}), id=cid)
        self.notebook.cells.insert(index, cell)
        self._changed()
        self.broadcast(P.cells_msg(self.cell_states()))
        return self.to_kernel({"type": "create_cell", "id": cid, "kind": cell.kind,
                               "code": cell.source, "order": self._order()})

    async def _h_delete_cell(self, msg: dict, reply: Client) -> asyncio.Future:
        cell = self._cell(msg["id"])
        self.notebook.cells.remove(cell)
        self.cache.forget(cell.id)
        self._changed()
        self.broadcast(P.cells_msg(self.cell_states()))
        return self.to_kernel({"type": "delete_cell", "id": cell.id})

    async def _h_move_cell(self, msg: dict, reply: Client) -> asyncio.Future:
        cell = self._cell(msg["id"])
        self.notebook.cells.remove(cell)
        index = max(0, min(int(msg["index"]), len(self.notebook.cells)))
        self.notebook.cells.insert(index, cell)
        self._changed()
        self.broadcast(P.cells_msg(self.cell_states()))
        return self.to_kernel({"type": "move_cell", "id": cell.id, "order": self._order()})

    async def _h_set_options(self, msg: dict, reply: Client) -> asyncio.Future:
        cell = self._cell(msg["id"])
        if not isinstance(msg["options"], dict):
            raise ValueError("options must be an object")
        for key, value in msg["options"].items():
            if value is None or value is False and key != "disabled":
                cell.options.pop(key, None)
            else:
                cell.options[key] = value
        if cell.options.get("disabled") is False:
            cell.options.pop("disabled")
        self._changed()
        self.broadcast(P.cells_msg(self.cell_states()))
        return self.to_kernel({"type": "set_options", "id": cell.id, "options": msg["options"]})

    async def _h_set_mode(self, msg: dict, reply: Client) -> asyncio.Future:
        self.mode = msg["mode"]
        settings_handler.persist(self, runtime=self.mode)  # [tool.reflow] runtime, saved now
        return self.to_kernel({"type": "set_mode", "mode": self.mode})

    async def _h_run_stale(self, msg: dict, reply: Client) -> asyncio.Future:
        return self.to_kernel({"type": "run_stale"})

    async def _h_run_all(self, msg: dict, reply: Client) -> asyncio.Future:
        return self.to_kernel({"type": "run_all"})

    async def _h_set_ui_value(self, msg: dict, reply: Client) -> asyncio.Future:
        # reflow.ui: request_id / updates pass through (the kernel answers ui_values)
        data = {"type": "set_ui_value", "element_id": msg["element_id"], "value": msg["value"]}
        for key in ("request_id", "updates"):
            if key in msg:
                data[key] = msg[key]
        return self.to_kernel(data)

    async def _h_table_page(self, msg: dict, reply: Client) -> asyncio.Future:
        # reflow.ui: one page of a table output; the kernel answers table_page_reply
        return self.to_kernel({"type": "table_page", "request_id": msg["request_id"],
                               "element_id": msg["element_id"], "page": msg["page"],
                               "sort": msg.get("sort"), "page_size": msg.get("page_size")})

    async def _h_interrupt(self, msg: dict, reply: Client) -> None:
        await self.kernel.interrupt()

    async def _h_restart(self, msg: dict, reply: Client) -> None:
        await self.restart()

    async def _h_save(self, msg: dict, reply: Client) -> None:
        self.save()

    async def _h_complete(self, msg: dict, reply: Client) -> None:
        try:
            content = await self.kernel.request("complete", str(msg["code"]), int(msg["cursor"]))
        except (RuntimeError, asyncio.CancelledError) as exc:
            reply(P.error_msg(f"complete: {exc}"))
            return
        reply(P.complete_reply_msg(msg["request_id"], list(content.get("matches", [])),
                                   int(content.get("cursor_start", msg["cursor"])),
                                   int(content.get("cursor_end", msg["cursor"]))))

    async def _h_inspect(self, msg: dict, reply: Client) -> None:
        try:
            content = await self.kernel.request("inspect", str(msg["code"]), int(msg["cursor"]),
                                                detail_level=0)
        except (RuntimeError, asyncio.CancelledError) as exc:
            reply(P.error_msg(f"inspect: {exc}"))
            return
        found = bool(content.get("found"))
        text = _ANSI.sub("", (content.get("data") or {}).get("text/plain", "")) if found else ""
        reply(P.inspect_reply_msg(msg["request_id"], found, text))

    # Packages panel: the logic lives in session/packages.py
    async def _h_packages_get(self, msg: dict, reply: Client) -> None:
        reply(self.packages.message())

    async def _h_package_add(self, msg: dict, reply: Client) -> None:
        rerun = [str(x) for x in msg.get("rerun") or [] if isinstance(x, str)]
        await self.packages.add(str(msg["requirement"]).strip(), rerun)

    async def _h_package_remove(self, msg: dict, reply: Client) -> None:
        await self.packages.remove(str(msg["name"]).strip())

    async def _h_packages_lock(self, msg: dict, reply: Client) -> None:
        await self.packages.lock_file()

    async def _h_env_rebuild(self, msg: dict, reply: Client) -> None:
        await self.packages.rebuild()

    # Settings page / cache: the logic lives in session/settings_handler.py
    async def _h_settings_get(self, msg: dict, reply: Client) -> None:
        settings_handler.handle_settings_get(self, reply)

    async def _h_settings_set(self, msg: dict, reply: Client) -> None:
        settings_handler.handle_settings_set(self, msg["changes"], reply)

    async def _h_set_notebook_config(self, msg: dict, reply: Client) -> asyncio.Future | None:
        settings_handler.persist(self, output=msg.get("output"), runtime=msg.get("runtime"))
        if msg.get("runtime") and msg["runtime"] != self.mode:
            self.mode = msg["runtime"]
            return self.to_kernel({"type": "set_mode", "mode": self.mode})
        return None

    async def _h_clear_cache(self, msg: dict, reply: Client) -> asyncio.Future:
        return self.to_kernel({"type": "clear_cache", "id": msg.get("id")})

    # --- file --------------------------------------------------------------------------
    def save(self) -> None:
        """Write the notebook now (atomic: temp file, fsync, rename) and tell clients."""
        if self.read_only:
            raise ValueError("read-only session")
        if self._autosave is not None:
            self._autosave.cancel()
            self._autosave = None
        write_notebook(self.path, self.notebook)
        self.dirty = False
        self.broadcast(P.saved_msg(str(self.path), self.path.stat().st_mtime))

    def _changed(self) -> None:
        self.dirty = True
        if self.autosave_delay is None:
            return
        if self._autosave is not None:
            self._autosave.cancel()
        loop = asyncio.get_running_loop()
        self._autosave = loop.call_later(self.autosave_delay, self._autosave_now)

    def _autosave_now(self) -> None:
        self._autosave = None
        if self.dirty and not self.closed:
            if not self.sidecar.may_autosave():  # sidecar: file changed on disk too; keep both
                return
            try:
                self.save()
            except OSError as exc:
                self.sidecar.save_failed(exc)  # sidecar: the edits go to a recovery file
                self.broadcast(P.notice_msg("error", f"Could not save {self.path.name}: {exc}"))

    def _cell(self, cell_id: object) -> Cell:
        for c in self.notebook.cells:
            if c.id == cell_id:
                return c
        raise KeyError(f"no cell {cell_id!r}")

    def _order(self) -> list[str]:
        return [c.id for c in self.notebook.cells]
