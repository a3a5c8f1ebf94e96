"""The session's language server: started lazily, fed every change, answering ``lsp_request``.

The session holds one ``SessionLanguageServer`` and calls it at four places: after each document
change (``changed``), when the kernel is up (``kernel_ready``: a server started before the
environment was built learns the notebook's interpreter), for ``lsp_request`` (``handle``) and on
close. The page starts it (``lsp_request`` op ``start``): at the first editor focus, or a moment
after the kernel is first idle (ui/src/lsp/startup.ts), so launch -> first output never waits for
it and a session without a page (tests, scripts) never runs one. A rename goes through the session's normal edit path (a
``run`` of the changed cells with their new code in auto mode, an edit in lazy mode), so the file
saves and the outputs follow as if the user had typed the new name.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import msgspec

from reflow.notebook import Notebook
from reflow.notebook.document import SetCode, Transaction
from reflow_desktop.lsp.jsonrpc import RpcError
from reflow_desktop.lsp.notebook_server import DiagnosticsByCell, LspUnavailable, NotebookLanguageServer
from reflow_desktop.protocol.build import lsp_diagnostics_msg, lsp_reply_msg

log = logging.getLogger(__name__)

Reply = Callable[[dict[str, Any]], None]


class LspDoor(Protocol):
    """What the language server needs of a session."""

    @property
    def path(self) -> Path: ...

    @property
    def notebook(self) -> Notebook: ...

    @property
    def kernel_python(self) -> str: ...

    read_only: bool
    mode: str

    def broadcast(self, msg: dict[str, Any]) -> None: ...

    def apply(self, tx: Transaction) -> object: ...

    async def handle(self, raw: object, reply: Reply) -> asyncio.Future[None] | None: ...


class SessionLanguageServer:
    """One notebook session's language server and its protocol messages."""

    def __init__(self, door: LspDoor) -> None:
        self._door = door
        self.server = NotebookLanguageServer(door.path, python=lambda: door.kernel_python, on_diagnostics=self._publish)
        self._python_told: str | None = None
        self._scheduled = False
        self.closed = False

    def _publish(self, cells: DiagnosticsByCell) -> None:
        self._door.broadcast(lsp_diagnostics_msg(cells))

    # --- hooks the session calls ------------------------------------------------------------
    def changed(self) -> None:
        """The document changed: one ``update`` per loop turn, only once the server runs or starts."""
        if self._scheduled or self.server.state not in ("running", "starting"):
            return
        self._scheduled = True
        asyncio.get_running_loop().call_soon(self._sync)

    def _sync(self) -> None:
        self._scheduled = False
        if not self.closed:
            self.server.update(self._door.notebook.cells)

    def kernel_ready(self) -> None:
        """The kernel is up: a server that started before the environment was built learns its interpreter."""
        python = self._door.kernel_python
        if not self.closed and self.server.state == "running" and python != self._python_told:
            self._python_told = python
            self.server.set_python(python)

    async def start(self) -> None:
        if self.server.state == "stopped":
            self.server.update(self._door.notebook.cells)
            self._python_told = self._door.kernel_python
        await self.server.start()

    async def close(self) -> None:
        self.closed = True
        await self.server.stop()

    # --- lsp_request -------------------------------------------------------------------------
    async def handle(self, msg: dict[str, Any], reply: Reply) -> None:
        rid, op, cid = str(msg["request_id"]), str(msg["op"]), str(msg["id"])
        line, character = int(msg.get("line", 0)), int(msg.get("character", 0))
        try:
            await self.start()
            if op == "start":
                reply(lsp_reply_msg(rid, op))
                if self.server.diagnostics:
                    reply(lsp_diagnostics_msg(self.server.diagnostics))
                return
            if isinstance(msg.get("code"), str):
                self.server.overlay(cid, msg["code"])
            if op == "hover":
                reply(lsp_reply_msg(rid, op, text=await self.server.hover(cid, line, character)))
            elif op == "signature":
                reply(lsp_reply_msg(rid, op, signature=await self.server.signature(cid, line, character)))
            elif op == "definition":
                reply(lsp_reply_msg(rid, op, locations=await self.server.definition(cid, line, character)))
            elif op == "references":
                reply(lsp_reply_msg(rid, op, locations=await self.server.references(cid, line, character)))
            elif op == "completion":
                reply(lsp_reply_msg(rid, op, items=await self.server.completion(cid, line, character)))
            elif op == "rename":
                changed = await self._rename(cid, line, character, str(msg.get("new_name", "")), reply)
                reply(lsp_reply_msg(rid, op, changed=changed))
        except (LspUnavailable, RpcError, LookupError, ValueError, msgspec.ValidationError) as exc:
            reply(lsp_reply_msg(rid, op, ok=False, message=str(exc)[:500]))

    async def _rename(self, cid: str, line: int, character: int, new_name: str, reply: Reply) -> list[str]:
        if self._door.read_only:
            raise ValueError("this notebook is open read-only")
        new_code = await self.server.rename(cid, line, character, new_name)
        known = {c.id for c in self._door.notebook.cells}
        new_code = {k: v for k, v in new_code.items() if k in known}
        if not new_code:
            return []

        def errors_only(m: dict[str, Any]) -> None:  # not the page's own edit: every page shows the new code
            if m.get("type") == "error":
                reply(m)

        if self._door.mode == "auto":
            cells = [{"id": k, "code": v} for k, v in new_code.items()]
            await self._door.handle({"type": "run", "cells": cells}, errors_only)
        else:
            self._door.apply(Transaction(tuple(SetCode(k, v) for k, v in new_code.items()), "ui"))
        return list(new_code)
