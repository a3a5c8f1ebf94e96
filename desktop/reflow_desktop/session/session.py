"""Session: one open notebook = its document + its kernel + the cell-state cache.

The session is the only writer of the notebook file (atomic saves through
``reflow.notebook``; *when* is decided by its ``SaveManager``). Every structural
change — from the UI, a file reload or the session itself — is a
``reflow.notebook.document.Transaction`` applied by ``apply``: to the session's
``Document``, then the same transaction to the kernel host (``apply_transaction``).
Kernel events come back through one pipeline (``session/events.py``) and are
relayed to every connected client. Clients are plain callables taking a
protocol message dict, so the server, tests and benchmarks all attach the same
way. Helpers get a narrow door (``session/doors.py``), never the session.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow.notebook import Cell, Notebook, new_notebook, read_notebook, write_notebook
from reflow.notebook.document import (
    Create,
    Delete,
    Document,
    Move,
    SetCode,
    SetKind,
    SetOptions,
    Source,
    Transaction,
    changes_from_json,
    diff,
)
from reflow.notebook.metadata import shared_privates
from reflow_desktop import protocol as P
from reflow_desktop.dropdata.watch import DataWatch
from reflow_desktop.envs.follow import carry_lock, record_notebook
from reflow_desktop.lsp.in_session import SessionLanguageServer
from reflow_desktop.remote.place import Local, Place
from reflow_desktop.remote.recent_places import notebook_place
from reflow_desktop.secrets.session_secrets import SessionSecrets
from reflow_desktop.session import settings_handler, trace
from reflow_desktop.session.busy_flicker import BusyFlicker
from reflow_desktop.session.early_kernel import EarlyKernel
from reflow_desktop.session.events import fold, unfold, with_install_hint
from reflow_desktop.session.kernel import KernelProcess
from reflow_desktop.session.latest_only import LatestOnly
from reflow_desktop.session.opening import create_notebook_file
from reflow_desktop.session.ownership import Ownership, claim
from reflow_desktop.session.packages import PackageManager
from reflow_desktop.session.reattach import BackgroundRuns
from reflow_desktop.session.saves import SaveManager, autosave_policy
from reflow_desktop.session.state import CellCache
from reflow_desktop.session.widget_comms import WidgetRelay, decode_buffers
from reflow_desktop.sidecar.binding import SessionSidecar
from reflow_desktop.sidecar.history_recorder import history_message
from reflow_desktop.trust.gate import TrustGate

if TYPE_CHECKING:
    from reflow_desktop.envs import Environment

log = logging.getLogger(__name__)

Client = Callable[[dict[str, Any]], None]
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NOTEBOOK = "notebook"  # the notebook file's saveable


class Session:
    """One notebook and its kernel. Create, ``await start()``, attach clients."""

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        python: str | None = None,
        autosave_delay: float | None = 1.0,
        session_id: str | None = None,
        environments: bool = False,
        env_cache_root: Path | None = None,
        place: Place | None = None,
    ) -> None:
        self._path = Path(path).resolve()
        # With `environments`, the kernel runs in the notebook's own uv environment
        # (built from its PEP 723 block) unless an explicit `python` is given.
        self.environments = environments and python is None
        self.env_cache_root = env_cache_root
        self.id = session_id or secrets.token_urlsafe(9)
        self.read_only = read_only
        exists = self._path.exists()
        # a path not there yet is a new notebook written now, as the welcome window's New (session/opening.py)
        created = not read_only and create_notebook_file(self._path)
        self.document = Document(read_notebook(self._path) if exists or created else new_notebook())
        self.trust = TrustGate(self, exists=exists)  # untrusted: safe preview, nothing runs (trust/gate.py)
        self.app_view = read_only  # `reflow run`: shown and run, never edited
        if created:
            self.trust.saved()  # the user's own from the first second: signed, so a reopen runs it
        # one writing session per notebook; a read-only file (or one open elsewhere) opens read-only
        self.ownership = Ownership(self._path) if read_only else claim(self._path)
        self.read_only = read_only or self.ownership.read_only
        self._wanted_autosave_delay = autosave_delay
        self.saves = SaveManager()  # one owner of saves: notebook, sidecar, snapshots, recovery
        self.saves.register(NOTEBOOK, self._autosave_now, autosave_policy(None if self.read_only else autosave_delay))
        self.mode = settings_handler.initial_mode(self.notebook, own=self.trust.own)  # [tool.reflow] or the user's
        self.cache = CellCache()
        self.clients: list[Client] = []
        self.watchers: list[Client] = []  # the app's own listeners (shell/run_alerts.py): every broadcast, nothing sent
        self._busy_flicker = BusyFlicker(self._on_kernel_state)  # a busy spell of a few ms is not news for the pages
        self.kernel = KernelProcess(
            self._on_kernel_event,
            self._busy_flicker,
            python=python,
            cwd=str(self._path.parent),
            # remote/place.py: elsewhere, its provisioner builds the environment there; None: where
            # this notebook's kernel was last moved to (remote/recent_places.py), else here
            place=notebook_place(self._path) if place is None else place,
            notebook=str(self._path),
        )
        self.kernel_message: str | None = None
        self.widgets = WidgetRelay(self.broadcast)  # Jupyter widget comms <-> pages (widget_comms.py)
        self.kernel.on_widget_comm = self.widgets.from_kernel
        self.secrets = SessionSecrets(self)  # [tool.reflow] secrets: keychain -> kernel environment (secrets/)
        self._latest = LatestOnly()  # completions/inspections: a page's newest only (latest_only.py)
        self.background = BackgroundRuns(self)  # runs that outlive the window: journal, keep running, reattach
        self.kernel_died_in: str | None = None  # the cell that was running when the kernel died
        self._run_asked: tuple[int, list[str]] = (0, [])  # the last `run` operation: its seq and cells
        self._seq = itertools.count(1)
        self._done: dict[int, asyncio.Future[None]] = {}
        self.closed = False
        # Told to the first UI that connects (e.g. "converted nb.ipynb into nb.py").
        self.startup_notices: list[str] = []
        if (why := self.ownership.notice()) is not None:
            self.startup_notices.append(why)
        # sidecar: outputs restored from __reflow__/ now, so the first `session` message shows them
        self.sidecar = SessionSidecar(self, self.saves)
        for cid, restored in self.sidecar.restore().items():
            self.cache.restore(cid, restored.status, restored.outputs)
        self.packages = PackageManager(self)  # Packages panel: uv add/remove/lock, rebuild
        self.lsp = SessionLanguageServer(self)  # the notebook's language server, started lazily (lsp/)
        self.data_watch = DataWatch(self)  # watch=true cells run again when their data file changes (dropdata/)

    # --- what helpers may read (see doors.py) ------------------------------------------
    @property
    def path(self) -> Path:
        return self._path

    @property
    def notebook(self) -> Notebook:
        """The document's notebook (read it; change cells only with ``apply``)."""
        return self.document.notebook

    @property
    def dirty(self) -> bool:
        """Edits not yet in the notebook file."""
        return self.saves.is_dirty(NOTEBOOK)

    @property
    def autosave_delay(self) -> float | None:
        return self.saves.entry(NOTEBOOK).policy.delay

    @autosave_delay.setter
    def autosave_delay(self, value: float | None) -> None:
        self.saves.set_policy(NOTEBOOK, autosave_policy(None if self.read_only else value))

    @property
    def has_clients(self) -> bool:
        return bool(self.clients)

    @property
    def kernel_python(self) -> str:
        return self.kernel.python

    @property
    def kernel_state(self) -> str:
        return self.kernel.state

    @property
    def kernel_started(self) -> bool:
        return self.kernel.km is not None

    def cell_of(self, cell_id: str) -> Cell | None:
        return self.document.get(cell_id)

    def outputs_of(self, cell_id: str) -> list[dict[str, Any]]:
        st = self.cache.cells.get(cell_id)
        return list(st.outputs) if st is not None else []

    def status_of(self, cell_id: str) -> str | None:
        st = self.cache.cells.get(cell_id)
        return st.shown_status if st is not None else None

    def parents_of(self, cell_id: str) -> list[str]:
        st = self.cache.cells.get(cell_id)
        return list(st.parents) if st is not None else []

    @property
    def cells_running(self) -> bool:
        """A cell runs or waits to: closing the window asks whether it keeps running (session/reattach.py)."""
        return self.background.cells_running

    def connection_file(self) -> str | None:
        """The kernel's connection file (the console dock attaches with it), once it started."""
        cf = getattr(self.kernel.km, "connection_file", None)
        return cf if cf and Path(cf).is_file() else None

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        """Start the kernel and give it the notebook (auto mode / app view: run it).

        With environments on, first make sure the notebook's environment exists
        (streaming uv's progress to the UI); if that fails the kernel is reported
        dead with uv's own message and nothing else changes.
        """
        self.sidecar.start()  # sidecar (issue 6): watch the file for external changes
        self.data_watch.start()
        if not self.trust.may_start:  # safe preview: no environment build, no kernel, no cache load
            self.kernel.state = "dead"
            self._on_kernel_state("dead", "Not started: this notebook is not trusted on this machine.")
            return
        record = None if self.read_only else self.background.running_record()
        if record is not None and await self.background.found(record):  # a run kept going without a window
            return
        await (self.start_kernel() if isinstance(self.place, Local) else self.start_elsewhere())

    async def start_kernel(self, *, run: bool | None = None) -> None:
        """Prepare the environment, start the kernel and open the notebook (``run``: run it all).

        A new environment's kernel starts while uv installs the notebook's packages (early_kernel.py).
        """
        async with EarlyKernel() as early:
            if self.environments and self.path.exists() and isinstance(self.place, Local):
                if not await self._prepare_environment(early):
                    return
            run_all = self.app_view or self.mode == "auto" if run is None else run
            self.kernel.extra_env = await self.secrets.kernel_env()  # read (or asked for) at every start
            self.kernel.handover = early.take
            # the open message is built once the kernel is up: edits made meanwhile are in it
            await self.kernel.start(lambda: {**self._open_data(run=run_all), **early.open_extra()})

    def env_progress(self) -> Callable[[str], None]:
        """A callback for worker threads: each line of uv's output goes to the UI."""
        loop = asyncio.get_running_loop()

        def progress(line: str) -> None:
            loop.call_soon_threadsafe(self.broadcast, P.env_progress_msg(line))

        return progress

    async def build_environment(self, *, rebuild: bool = False, early: EarlyKernel | None = None) -> Environment:
        """Build or reuse the notebook's environment in a worker thread, streaming progress.

        Raises EnvError (uv's text included) or NotebookFormatError. ``early``: its kernel starts as
        soon as the build allows it.
        """
        from reflow_desktop.envs import ensure_environment

        progress = self.env_progress()
        kernel_early = early.start_from if early is not None else None
        return await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: ensure_environment(
                self.path, progress=progress, cache_root=self.env_cache_root, rebuild=rebuild, kernel_early=kernel_early
            ),
        )

    async def _prepare_environment(self, early: EarlyKernel) -> bool:
        """The environment before the first kernel start; False (kernel dead, notice) if it failed."""
        from reflow.notebook import NotebookFormatError
        from reflow_desktop.envs import EnvError

        self._on_kernel_state("starting", "preparing the notebook's environment")
        try:
            env = await self.build_environment(early=early)
        except (EnvError, NotebookFormatError) as exc:
            text = f"The notebook's environment could not be prepared: {exc}"
            self.kernel.state = "dead"
            self._on_kernel_state("dead", text)
            self.broadcast(P.notice_msg("error", text))
            return False
        self.kernel.python = str(env.python)
        early.built(env)
        return True

    async def close(self, *, keep_running: bool = False) -> None:
        """Save everything pending (the save manager's flush) and stop the kernel.

        ``keep_running`` (the window closed with cells running, "keep running in the background"):
        the kernel is left running and journaling; opening the notebook again reattaches to it.
        """
        if self.closed:
            return
        self.closed = True
        self.secrets.close()  # a start waiting for a secret is cancelled
        await self.saves.flush_all()  # notebook (autosave on), sidecar outputs, snapshots
        await self.sidecar.close()  # watcher stopped; a recovery copy no longer needed goes
        await self.data_watch.stop()
        if not (keep_running and await self.background.keep_running()):
            await self.kernel.shutdown()
            self.background.forget()
        await self.lsp.close()
        self.ownership.release()  # another window may write it now

    async def restart(self) -> None:
        """Fresh kernel, same code; outputs are cleared and nothing runs by itself.

        If the kernel never started (its environment failed to build), this is the
        retry: the environment is prepared again and the notebook opens as on start.
        """
        self.cache.clear_outputs()
        self._cells_changed()
        if self.kernel.km is None:  # never started (environment failed): retry
            await self.start()
            return
        self.kernel.extra_env = await self.secrets.kernel_env()  # a restart reads the keychain again
        await self.kernel.restart(lambda: self._open_data(run=False))

    def _open_data(self, run: bool) -> dict[str, Any]:
        return {
            "type": "open",
            "seq": next(self._seq),
            "mode": self.mode,
            "strict": self.notebook.metadata is not None and self.notebook.metadata.reflow.get("strict") is True,
            "run": run,
            "shared_privates": shared_privates(self.notebook),
            "ui_values": dict(self.sidecar.ui_values),  # sidecar: reflow.ui values kept
            "path": str(self.path),
            "cells": self.trust.open_cells(
                [{"id": c.id, "kind": c.kind, "code": c.source, "options": dict(c.options)} for c in self.cells]
            ),
        }

    async def restart_in(self, python: str) -> bool:
        """A fresh kernel from another interpreter (the notebook's changed environment), same notebook.

        jupyter_client's restart reuses the old command line (old Python): stop the kernel, start a
        fresh one from ``python``. The notebook comes back as it was: every output stays, shown stale
        until a run replaces it; auto mode (and the app view) run it all again, lazy mode leaves that
        to the user. True when the new kernel runs the whole notebook.
        """
        self.kernel.python = python
        await self.kernel.shutdown()
        self.cache.keep_as_stale()
        self._cells_changed()
        run_all = self.app_view or self.mode == "auto"
        self.kernel.extra_env = await self.secrets.kernel_env()
        await self.kernel.start(lambda: self._open_data(run=run_all))
        return run_all

    @property
    def place(self) -> Place:
        """Where the kernel runs (the notebook's chosen place)."""
        return self.kernel.place

    async def run_on(self, place: Place) -> None:
        """Move the kernel: stop it here, start a fresh one there; outputs stay, shown stale.

        A place that cannot be reached (or whose environment fails to build there) leaves the kernel
        dead with the reason; Restart tries that place again, "Run on..." picks another.
        """
        from reflow_desktop.remote.recent_places import remember_place

        await self.kernel.shutdown()
        self.kernel.place = place
        remember_place(place, self.path)  # reopened, the notebook runs there again
        self.broadcast(self.place_message())
        self.cache.keep_as_stale()
        self._cells_changed()
        await (self.start_kernel() if isinstance(place, Local) else self.start_elsewhere())

    async def start_elsewhere(self) -> None:
        """Start the kernel at a remote place, its provisioner's progress shown as env_progress.

        A place that cannot be reached (or whose environment fails to build there) leaves the kernel
        dead with the reason; Restart tries that place again, "Run on..." picks another.
        """
        from reflow_desktop.remote.place import start_progress

        place = self.kernel.place
        progress = start_progress.set(self.env_progress())  # uv's lines from the host, as for a local build
        try:
            await self.start_kernel()
        except Exception as exc:  # ssh refused, unknown host, a failed build there: say so, keep the notebook
            await self.kernel.shutdown()
            text = f"The kernel could not start {place.label()}: {exc}"
            self.kernel.state = "dead"
            self._on_kernel_state("dead", text)
            self.broadcast(P.notice_msg("error", text))
        finally:
            start_progress.reset(progress)

    def place_message(self) -> dict[str, Any]:
        """Where the kernel runs and the places used lately (remote/recent_places.py), for "Run on..."."""
        from reflow_desktop.remote.recent_places import recent_places

        place = self.kernel.place
        return P.place_msg(place.text(), place.label(), [p.text() for p in recent_places()])

    async def interrupt(self) -> None:
        await self.kernel.interrupt()

    # --- clients ----------------------------------------------------------------------
    def attach(self, client: Client) -> None:
        """A UI connected (or reconnected): send it the full state to resume from."""
        self.clients.append(client)
        client(self.session_message())
        if not isinstance(self.kernel.place, Local):  # the status line says where the kernel runs
            client(self.place_message())
        for model in self.widgets.replay():  # Jupyter widgets shown by the outputs
            client(model)
        for notice in self.sidecar.pending_notices():  # sidecar: e.g. a corrupt outputs file
            client(notice)
        for offer in self.background.pending():  # a kernel from before still runs: reattach or stop it
            client(offer)
        for asked in self.secrets.pending():  # a start waits for a secret; or: untrusted, none given
            client(asked)
        while self.startup_notices:
            client(P.notice_msg("info", self.startup_notices.pop(0)))
        if self.cache.variables is not None:
            client(self.cache.variables)

    def detach(self, client: Client) -> None:
        if client in self.clients:
            self.clients.remove(client)
        self._latest.forget(client)

    def broadcast(self, msg: dict[str, Any]) -> None:
        for client in list(self.clients):
            self._send(client, msg)
        for watcher in list(self.watchers):
            self._send(watcher, msg)

    def watch(self, listener: Client) -> None:
        """``listener`` hears every broadcast message (server thread) without being a page: no state, no notices."""
        self.watchers.append(listener)

    @staticmethod
    def _send(client: Client, msg: dict[str, Any]) -> None:
        try:
            client(msg)
        except Exception:  # one broken client must not stop the others
            log.exception("client send failed")

    def session_message(self) -> dict[str, Any]:
        kernel: dict[str, Any] = {"state": self._busy_flicker.shown(self.kernel.state)}  # as the others were told
        if self.kernel_message:
            kernel["message"] = self.kernel_message
        if self.kernel_died_in and self.kernel.state == "dead":
            kernel["cell"] = self.kernel_died_in
        return P.session_msg(
            session=self.id,
            path=str(self.path),
            name=self.path.name,
            mode=self.mode,
            read_only=self.read_only,
            cells=self.cell_states(),
            kernel=kernel,
            config={
                "autosave_delay": self.autosave_delay,
                "order_valid": self.cache.order_valid,
                **settings_handler.notebook_config(self.notebook),
            },
            doc_version=self.document.version,
            trust=self.trust.info(),
        )

    @property
    def cells(self) -> list[Cell]:
        return self.notebook.cells

    def cell_states(self) -> list[dict[str, Any]]:
        return [self.cache.cell_state(c) for c in self.notebook.cells]

    # --- kernel -> clients: the event pipeline (session/events.py) -------------------------
    def _on_kernel_event(self, msg: dict[str, Any]) -> None:
        """Unfold once, pass each event through the steps, broadcast what the pages must see."""
        if trace.ENABLED:
            trace.kernel_message(msg)
        shown = []
        hint, apply, observe = self.packages.install_hint, self.cache.apply, self.sidecar.observe_event
        for event in unfold(msg):
            if event.get("type") == "cell_output":
                event = with_install_hint(event, hint)  # "install X" button
            visible = apply(event)  # status/outputs/graph/UI values/variables
            observe(event)  # which code produced the outputs; writes
            if event.get("type") == "done":
                fut = self._done.pop(event.get("seq"), None)  # type: ignore[arg-type]  # kernel JSON: any seq, pop is safe
                if fut is not None and not fut.done():
                    fut.set_result(None)
            elif visible:
                shown.append(event)
        out = fold(shown, batched=msg.get("type") == "batch")
        if out is not None:
            self.broadcast(out)

    def _on_kernel_state(self, state: str, message: str | None) -> None:
        self.kernel_message = message
        if state == "idle":
            self.lsp.kernel_ready()  # a language server started before the env was built learns its Python
        if state in ("starting", "restarting", "dead"):
            self.widgets.clear()
        self.kernel_died_in = None
        if state == "dead":
            for cell in self.notebook.cells:
                st = self.cache.get(cell.id)
                if st.status == "running":
                    self.kernel_died_in = cell.id
                if st.status in ("running", "queued"):
                    st.status = "interrupted" if st.status == "running" else "cancelled"
                    self.broadcast({"type": "cell_status", "id": cell.id, "status": st.status})
            seq, asked = self._run_asked
            if self.kernel_died_in is None and seq in self._done and asked:  # died before its first event
                self.kernel_died_in = asked[0]
            for fut in self._done.values():
                if not fut.done():
                    fut.set_result(None)
            self._done.clear()
        self.sidecar.cells_changed()
        self.broadcast(P.kernel_msg(state, message, self.kernel_died_in))  # type: ignore[arg-type]  # KernelProcess states are str

    def to_kernel(self, data: dict[str, Any]) -> asyncio.Future[None]:
        """Forward one operation; the future resolves when the kernel has finished it."""
        seq = next(self._seq)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._done[seq] = fut
        if data.get("type") == "run":  # a cell that kills the kernel at once never says it is running
            cells = data.get("cells") or []
            self._run_asked = (seq, [str(c["id"]) for c in cells if isinstance(c, dict) and "id" in c])
        try:
            self.kernel.send_comm({**data, "seq": seq})
        except RuntimeError as exc:
            self._done.pop(seq, None)
            fut.set_result(None)
            self.broadcast(P.error_msg(f"Cannot {data.get('type')}: {exc}."))
        return fut

    # --- clients -> session -----------------------------------------------------------
    async def handle(self, raw: object, reply: Client) -> asyncio.Future[None] | None:
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
        refusal = self.trust.refusal(msg)
        if refusal is not None:
            reply(P.error_msg(f"{mtype}: {refusal}"))
            return None
        method = getattr(self, f"_h_{mtype}")
        try:
            result: asyncio.Future[None] | None = await method(msg, reply)
            return result
        except (KeyError, ValueError, IndexError) as exc:
            reply(P.error_msg(f"{mtype}: {exc}"))
            return None

    async def _h_run(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        cells = [self.document.cell(item["id"]) for item in msg["cells"]]  # KeyError: unknown cell
        edits = [
            SetCode(cell.id, item["code"])
            for cell, item in zip(cells, msg["cells"], strict=True)
            if isinstance(item.get("code"), str) and item["code"] != cell.source
        ]
        if edits:
            self.apply(Transaction(tuple(edits), "ui"), to_kernel=False, origin=reply)  # the run carries the code
        return self.to_kernel(
            {"type": "run", "cells": [{"id": c.id, "code": self.document.cell(c.id).source} for c in cells]}
        )

    async def _h_edit(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        cell = self.document.cell(msg["id"])
        if msg["code"] == cell.source:
            return None
        return self.apply(Transaction((SetCode(cell.id, str(msg["code"])),), "ui"), origin=reply)

    async def _h_create_cell(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        index = max(0, min(int(msg["index"]), len(self.document)))  # the UI's index, clamped as always
        return self.apply(
            Transaction(
                (Create(str(msg["id"]), index, msg["kind"], str(msg["code"]), dict(msg.get("options") or {})),), "ui"
            ),
            origin=reply,
        )

    async def _h_delete_cell(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        return self.apply(Transaction((Delete(self.document.cell(msg["id"]).id),), "ui"), origin=reply)

    async def _h_move_cell(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        cell = self.document.cell(msg["id"])
        index = max(0, min(int(msg["index"]), len(self.document) - 1))  # ValueError: nothing moved
        return self.apply(Transaction((Move(cell.id, index),), "ui"), origin=reply)

    async def _h_set_options(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        cell = self.document.cell(msg["id"])
        if not isinstance(msg["options"], dict):
            raise ValueError("options must be an object")
        # the UI sends false to clear a flag: the document's patch clears with None
        patch = {k: None if v is False else v for k, v in msg["options"].items()}
        return self.apply(Transaction((SetOptions(cell.id, patch),), "ui"), origin=reply)

    async def _h_set_kind(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        """Code ↔ markdown in place: the cell keeps its id, hence its outputs."""
        cell = self.document.cell(msg["id"])
        if msg["kind"] == cell.kind:
            return None
        return self.apply(Transaction((SetKind(cell.id, msg["kind"]),), "ui"), origin=reply)

    async def _h_transaction(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        """Several structural changes at once, all or none (``reflow.notebook.document``'s wire form)."""
        return self.apply(changes_from_json(msg["changes"], "ui"), origin=reply)

    async def _h_resync(self, msg: dict[str, Any], reply: Client) -> None:
        """The page missed a ``transaction_applied`` (a version gap): the cells to start over from."""
        reply(self._cells_message())

    async def _h_set_mode(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        self.mode = msg["mode"]
        settings_handler.persist(self, runtime=self.mode)  # [tool.reflow] runtime, saved now
        return self.to_kernel({"type": "set_mode", "mode": self.mode})

    async def _h_run_stale(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        return self.to_kernel({"type": "run_stale"})

    async def _h_run_all(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        return self.to_kernel({"type": "run_all"})

    async def _h_set_ui_value(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        # reflow.ui: request_id / updates pass through (the kernel answers ui_values)
        data = {"type": "set_ui_value", "element_id": msg["element_id"], "value": msg["value"]}
        for key in ("request_id", "updates"):
            if key in msg:
                data[key] = msg[key]
        return self.to_kernel(data)

    async def _h_widget_comm_msg(self, msg: dict[str, Any], reply: Client) -> None:
        """A page's Jupyter widget message (a value the user changed): to the widget's comm in the kernel."""
        request_id = msg.get("request_id")

        def idle() -> None:
            if request_id is not None:
                self._send(reply, {"type": "widget_comm_idle", "request_id": request_id})

        try:
            buffers = decode_buffers(msg.get("buffers"))
            self.kernel.send_widget_comm(msg["comm_id"], msg["data"], buffers, idle, request_id)
        except RuntimeError as exc:
            reply(P.error_msg(f"widget_comm_msg: {exc}."))
            idle()

    async def _h_history_get(self, msg: dict[str, Any], reply: Client) -> None:
        cell = self.document.cell(msg["id"])  # KeyError: unknown cell
        reply(history_message(msg["request_id"], cell.id, await self.sidecar.history.view(cell.id)))

    async def _h_table_page(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        # reflow.ui: one page of a table output; the kernel answers table_page_reply
        return self.to_kernel(
            {
                "type": "table_page",
                "request_id": msg["request_id"],
                "element_id": msg["element_id"],
                "page": msg["page"],
                "sort": msg.get("sort"),
                "page_size": msg.get("page_size"),
            }
        )

    async def _h_interrupt(self, msg: dict[str, Any], reply: Client) -> None:
        await self.kernel.interrupt()

    async def _h_trust(self, msg: dict[str, Any], reply: Client) -> None:
        await self.trust.trust()

    async def _h_reattach_kernel(self, msg: dict[str, Any], reply: Client) -> None:
        await self.background.take_offer(reattach=True)

    async def _h_stop_background_kernel(self, msg: dict[str, Any], reply: Client) -> None:
        await self.background.take_offer(reattach=False)

    async def _h_secret_answer(self, msg: dict[str, Any], reply: Client) -> None:
        await self.secrets.answer(msg["values"])  # ValueError: said to the page (never echoes a value)

    async def _h_restart(self, msg: dict[str, Any], reply: Client) -> None:
        await self.restart()

    async def _h_run_on(self, msg: dict[str, Any], reply: Client) -> None:
        from reflow_desktop.remote.place import Gateway, parse_place

        place = parse_place(msg["place"])  # PlaceError (a ValueError): an error reply, nothing moves
        if isinstance(msg.get("token"), str) and isinstance(place, Gateway):
            from reflow_desktop.remote.gateway_tokens import save_token

            save_token(place.url, msg["token"])  # the user's config dir, never the notebook folder
        await self.run_on(place)

    async def _h_places_get(self, msg: dict[str, Any], reply: Client) -> None:
        reply(self.place_message())

    async def _h_save(self, msg: dict[str, Any], reply: Client) -> None:
        from reflow_desktop.settings import load_settings

        if load_settings().format_on_save == "on":  # issue 19: format every Python cell, then save
            from reflow_desktop.formatting.in_session import format_before_save

            await format_before_save(self, reply)
        self.save()

    async def _h_format_cells(self, msg: dict[str, Any], reply: Client) -> None:
        from reflow_desktop.formatting.in_session import handle_format_cells  # ruff runs off the event loop

        await handle_format_cells(self, msg.get("ids"), reply)

    async def _h_complete(self, msg: dict[str, Any], reply: Client) -> None:
        try:  # a newer completion from the same page supersedes this one while it waits (latest_only.py)
            asked = await self._latest.run(
                (reply, "complete"), lambda: self.kernel.request("complete", str(msg["code"]), int(msg["cursor"]))
            )
        except RuntimeError:  # no kernel to ask (dead, starting): no names from it, answered at once, so the
            asked = None  # page shows the language server's without waiting out its request
        except asyncio.CancelledError as exc:
            reply(P.error_msg(f"complete: {exc}"))
            return
        content: dict[str, Any] = asked if asked is not None else {"matches": []}  # stale: the editor moved on
        reply(
            P.complete_reply_msg(
                msg["request_id"],
                list(content.get("matches", [])),
                int(content.get("cursor_start", msg["cursor"])),
                int(content.get("cursor_end", msg["cursor"])),
            )
        )

    async def _h_lsp_request(self, msg: dict[str, Any], reply: Client) -> None:
        await self.lsp.handle(msg, reply)  # lsp/in_session.py

    async def _h_inspect(self, msg: dict[str, Any], reply: Client) -> None:
        try:
            asked = await self._latest.run(
                (reply, "inspect"),
                lambda: self.kernel.request("inspect", str(msg["code"]), int(msg["cursor"]), detail_level=0),
            )
        except RuntimeError:  # no kernel to ask (dead, starting): nothing found, answered at once
            asked = None
        except asyncio.CancelledError as exc:
            reply(P.error_msg(f"inspect: {exc}"))
            return
        content: dict[str, Any] = asked if asked is not None else {"found": False}
        found = bool(content.get("found"))
        text = _ANSI.sub("", (content.get("data") or {}).get("text/plain", "")) if found else ""
        reply(P.inspect_reply_msg(msg["request_id"], found, text))

    # Packages panel: the logic lives in session/packages.py
    async def _h_packages_get(self, msg: dict[str, Any], reply: Client) -> None:
        reply(self.packages.message())

    async def _h_package_add(self, msg: dict[str, Any], reply: Client) -> None:
        rerun = [str(x) for x in msg.get("rerun") or [] if isinstance(x, str)]
        await self.packages.add(str(msg["requirement"]).strip(), rerun)

    async def _h_package_remove(self, msg: dict[str, Any], reply: Client) -> None:
        await self.packages.remove(str(msg["name"]).strip())

    async def _h_packages_lock(self, msg: dict[str, Any], reply: Client) -> None:
        await self.packages.lock_file()

    async def _h_env_rebuild(self, msg: dict[str, Any], reply: Client) -> None:
        await self.packages.rebuild()

    # Settings page / cache: the logic lives in session/settings_handler.py
    async def _h_settings_get(self, msg: dict[str, Any], reply: Client) -> None:
        settings_handler.handle_settings_get(reply)

    async def _h_settings_set(self, msg: dict[str, Any], reply: Client) -> None:
        settings_handler.handle_settings_set(self, msg["changes"], reply)

    async def _h_set_notebook_config(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None] | None:
        settings_handler.persist(self, output=msg.get("output"), runtime=msg.get("runtime"))
        if msg.get("runtime") and msg["runtime"] != self.mode:
            self.mode = msg["runtime"]
            return self.to_kernel({"type": "set_mode", "mode": self.mode})
        return None

    async def _h_clear_cache(self, msg: dict[str, Any], reply: Client) -> asyncio.Future[None]:
        return self.to_kernel({"type": "clear_cache", "id": msg.get("id")})

    # --- the document: every structural change goes through here --------------------------
    def apply(
        self, tx: Transaction, *, to_kernel: bool = True, origin: Client | None = None
    ) -> asyncio.Future[None] | None:
        """Apply ``tx`` to the document (all or nothing: DocumentError), then to the pages and the kernel.

        Every page gets the transaction with the document's new version (``transaction_applied``);
        ``origin``, the page whose message it was, gets it marked ``mine`` (it shows the change already).
        Returns the kernel's future (None when the kernel is not told: ``to_kernel``
        False, or no kernel running).
        """
        before = set(self.document.ids)
        version = self.document.apply(tx)
        for cid in before - set(self.document.ids):
            self.cache.forget(cid)
        self._changed()
        if tx.changes:
            self._broadcast_transaction(tx, version, origin)
        if tx.structural:
            self.sidecar.cells_changed()
        if not to_kernel or not tx.changes:
            return None
        if self.kernel.starting or (tx.source != "ui" and not self._kernel_running()):
            return None  # the (next) open gives the kernel the whole document
        return self.to_kernel({"type": "apply_transaction", "source": tx.source, "changes": tx.to_json()["changes"]})

    def replace_document(self, notebook: Notebook, source: Source = "session") -> Transaction:
        """Make the document ``notebook`` (cells matched by id): one transaction, then its file layout.

        Cells whose id is kept keep their outputs and kernel state; the kernel gets
        the same transaction.
        """
        tx = diff(self.document.cells, notebook.cells, source)
        self.apply(tx)
        self.document.adopt_layout(notebook)
        return tx

    def reload_from_file(self, notebook: Notebook) -> None:
        """The file changed on disk (no unsaved edits here): take it, keeping unchanged cells."""
        self.replace_document(notebook, "file")
        self.trust.reloaded(self._kernel_running())  # cells changed outside Reflow wait for the user
        self.saves.forget_changes(NOTEBOOK)  # the file is what we have now
        if notebook.runtime_mode != self.mode:
            self.mode = notebook.runtime_mode
            if self._kernel_running():
                self.to_kernel({"type": "set_mode", "mode": self.mode})
        self._cells_changed()  # the pages start over from the file's cells (outputs restored, ids kept)

    def take_file_metadata(self, fresh: Notebook) -> None:
        """The PEP 723 block (and header) from the file uv just edited; cells and unsaved edits stay."""
        self.document.adopt_metadata(fresh)
        self.sidecar.file_taken()  # what Reflow last read: the pre-save check compares with it

    def _cells_changed(self) -> None:
        self.broadcast(self._cells_message())
        self.sidecar.cells_changed()

    def _cells_message(self) -> dict[str, Any]:
        return P.cells_msg(self.cell_states(), doc_version=self.document.version)

    def _broadcast_transaction(self, tx: Transaction, version: int, origin: Client | None) -> None:
        changes = tx.to_json()["changes"]
        for client in list(self.clients):
            self._send(client, P.transaction_applied_msg(version, tx.source, changes, mine=client == origin))

    def _kernel_running(self) -> bool:
        return self.kernel.state != "dead" and self.kernel.kc is not None

    # --- file (timing: the save manager) -----------------------------------------------------
    def save(self) -> None:
        """Write the notebook now (atomic: temp file, fsync, rename) and tell clients."""
        if self.read_only:
            raise ValueError("read-only session")
        if self.sidecar.changed_on_disk():  # not told yet: told now, nothing overwritten
            raise ValueError(f"{self._path.name} changed on disk; nothing was saved (see the notice)")
        self._write_file()
        self.saves.mark_saved(NOTEBOOK)

    async def save_as(self, path: str | Path) -> None:
        """Write the notebook to ``path`` and make it the session's file; everything of it follows.

        Outputs and reflow.ui values (the sidecar), the lock file (so the environment is reused),
        the kernel's ``__file__`` (persistent caches), the file watch and the right to write.
        The old file and its ``__reflow__/`` stay as they were.
        """
        new = Path(path).resolve()
        owner = claim(new)  # the copy must be ours to write (a read-only session's way out)
        if owner.reason is not None:
            raise ValueError(f"cannot save as {new}: {owner.reason}")
        old, self._path = self._path, new
        try:
            carry_lock(old, new)  # the environment's key hashes the lock: the copy keeps its environment
            self._write_file()
        except Exception:
            self._path = old
            owner.release()
            raise
        self.saves.mark_saved(NOTEBOOK)
        self.ownership.release()
        self.ownership = owner
        if self.read_only and not self.app_view:  # was read-only because of the old file: editable now
            self.read_only = False
            self.autosave_delay = self._wanted_autosave_delay
        await self.sidecar.follow(new)
        if self._kernel_running():  # cells see the new __file__; persistent caches go beside the new file
            self.to_kernel({"type": "set_path", "path": str(new)})
        await self.background.follow(old)  # the output journal and the kernel record follow too
        if self.environments:
            record_notebook(self.kernel.python, new)  # `reflow envs list` names the new file
        self.broadcast(self.session_message())  # the UI shows the new name

    @contextmanager
    def pause_autosave(self) -> Iterator[None]:
        """No autosave and no file-change polls inside (uv is writing the file); autosave is re-armed
        afterwards if edits are pending, and what the file then holds is not an external change."""
        with self.saves.pause(NOTEBOOK), self.sidecar.hold_watch():
            yield

    def _write_file(self) -> None:
        write_notebook(self._path, self.notebook)
        self.trust.saved()  # what this user saves from Reflow is theirs: re-signed
        self.sidecar.saved()
        self.broadcast(P.saved_msg(str(self._path), self._path.stat().st_mtime))

    def _changed(self) -> None:
        self.saves.changed(NOTEBOOK)
        self.lsp.changed()

    def _autosave_now(self) -> bool:
        """The save manager's autosave of the notebook file; False keeps the edits pending."""
        if not self.sidecar.may_autosave():  # the file changed on disk too: keep both (recovery)
            return False
        try:
            self._write_file()
        except (OSError, ValueError) as exc:  # ValueError: text a file cannot hold (NUL…); later saves still run
            self.sidecar.save_failed(exc)  # the edits go to a recovery file
            if not self.closed:
                self.broadcast(P.notice_msg("error", f"Could not save {self._path.name}: {exc}"))
            return False
        return True
