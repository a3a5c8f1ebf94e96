"""One language server process for one open notebook, fed the virtual document, answering in cells.

Started lazily (``start``: the first editor focus, or once the kernel is up) so launch -> first
output never waits for it, stopped with the session. Every change of the notebook's cells becomes
one incremental ``didChange`` (the line range that differs); requests name a cell position and
answers come back as cell positions through the same ``VirtualDocument``. What the server sends is
validated (``wire``) and anything that does not map onto a Python cell is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import keyword
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec

from reflow.notebook import Cell
from reflow_desktop.lsp import wire
from reflow_desktop.lsp.cell_order import CellOrder
from reflow_desktop.lsp.jsonrpc import JsonRpcConnection, RpcError
from reflow_desktop.lsp.server_choice import server_command, server_settings
from reflow_desktop.lsp.text_edits import apply_edits
from reflow_desktop.lsp.virtual_doc import CellPosition, VirtualDocument, line_change

log = logging.getLogger(__name__)

State = Literal["stopped", "starting", "running", "failed"]
DiagnosticsByCell = dict[str, list[dict[str, Any]]]
MAX_ITEMS = 300  # completions / references sent to a page
SEVERITIES = {1: "error", 2: "warning", 3: "info", 4: "hint"}
COMPLETION_TYPES = {2: "method", 3: "function", 4: "function", 5: "property", 6: "variable", 7: "class",
                    8: "interface", 9: "namespace", 10: "property", 12: "constant", 13: "enum", 14: "keyword",
                    21: "constant", 22: "class"}  # fmt: skip


class LspUnavailable(RuntimeError):
    """The language server could not start or went away; the message says why."""


def _cell_range(doc: VirtualDocument, rng: wire.Range) -> dict[str, Any] | None:
    """An LSP range as a cell range; a range running past its cell ends at the end of its first line."""
    start = doc.to_cell(rng.start.line, rng.start.character)
    if start is None:
        return None
    end = doc.to_cell(rng.end.line, rng.end.character)
    if end is None or end.cell_id != start.cell_id:
        end = CellPosition(start.cell_id, start.line, 1_000_000)
    return {
        "id": start.cell_id,
        "line": start.line,
        "character": start.character,
        "end_line": end.line,
        "end_character": end.character,
    }


class NotebookLanguageServer:
    """The server of one session. ``update`` after each document change; ``start`` once, lazily."""

    def __init__(
        self,
        notebook: Path,
        *,
        python: Callable[[], str | None],
        on_diagnostics: Callable[[DiagnosticsByCell], None],
        command: Sequence[str] | None = None,
    ) -> None:
        self.notebook = notebook
        self.uri = notebook.resolve().as_uri()
        self._python = python
        self._on_diagnostics = on_diagnostics
        self._command = list(command) if command else None
        self._order = CellOrder()
        self._cells: dict[str, str] = {}  # Python cells' code by id, in execution order
        # code a page's editor has that the session's document has not yet, with the document's code then
        self._overlay: dict[str, tuple[str, str]] = {}
        self.doc = VirtualDocument.of([])
        self.version = 0
        self.state: State = "stopped"
        self.why: str | None = None  # why it failed
        self.diagnostics: DiagnosticsByCell = {}
        self._proc: asyncio.subprocess.Process | None = None
        self._rpc: JsonRpcConnection | None = None
        self._starting: asyncio.Task[None] | None = None

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Start and initialise the server (once; later calls wait for the first). Raises LspUnavailable."""
        if self.state == "running":
            return
        if self.state == "failed":
            raise LspUnavailable(self.why or "the language server failed")
        if self._starting is None:
            self._starting = asyncio.get_running_loop().create_task(self._start())
        await asyncio.shield(self._starting)
        if not self.running:
            raise LspUnavailable(self.why or "the language server did not start")

    async def _start(self) -> None:
        self.state = "starting"
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *(self._command or server_command()),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                cwd=str(self.notebook.parent),
                env={**os.environ, "PYTHONPATH": ""},  # the app's path must not leak into jedi's view
            )
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._rpc = JsonRpcConnection(
                self._proc.stdout, self._proc.stdin, on_notification=self._notification, on_request=self._request
            )
            root = self.notebook.parent.resolve().as_uri()
            settings = server_settings(self._python())
            await self._rpc.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "rootUri": root,
                    "workspaceFolders": [{"uri": root, "name": self.notebook.parent.name or "notebook"}],
                    "initializationOptions": settings,
                    "capabilities": {
                        "textDocument": {
                            "synchronization": {"didSave": False},
                            "publishDiagnostics": {"versionSupport": True},
                            "hover": {"contentFormat": ["markdown", "plaintext"]},
                            "signatureHelp": {
                                "signatureInformation": {"parameterInformation": {"labelOffsetSupport": True}}
                            },
                            "completion": {"completionItem": {"snippetSupport": False}},
                            "rename": {"prepareSupport": False},
                        },
                        "general": {"positionEncodings": ["utf-16"]},
                    },
                },
                timeout=60.0,
            )
            self._rpc.notify("initialized", {})
            self._rpc.notify("workspace/didChangeConfiguration", {"settings": settings})
            self.version += 1
            self._rpc.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": self.uri,
                        "languageId": "python",
                        "version": self.version,
                        "text": self.doc.text,
                    }
                },
            )
            self.state = "running"
        except (OSError, RpcError) as exc:
            self.why = f"the Python language server could not start: {exc}"
            self.state = "failed"
            log.warning("%s", self.why)
            await self._kill()

    async def stop(self) -> None:
        """Shut the server down (politely, then for sure)."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        rpc = self._rpc
        if rpc is not None and self.state == "running":
            with contextlib.suppress(RpcError, asyncio.CancelledError):
                await rpc.request("shutdown", None, timeout=3.0)
                rpc.notify("exit", None)
        self.state = "stopped"
        await self._kill()

    async def _kill(self) -> None:
        if self._rpc is not None:
            await self._rpc.close()
            self._rpc = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(ProcessLookupError, asyncio.CancelledError):
                await proc.wait()

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def set_python(self, python: str | None) -> None:
        """The notebook's interpreter changed (its environment was built): jedi resolves imports there now."""
        if self._rpc is not None and self.state == "running":
            self._rpc.notify("workspace/didChangeConfiguration", {"settings": server_settings(python)})

    # --- the document --------------------------------------------------------------------
    def update(self, cells: Sequence[Cell]) -> None:
        """The session's cells changed: rebuild the virtual document, send the changed lines."""
        by_id = {c.id: c for c in cells}
        for cid, (_code, then) in list(self._overlay.items()):
            if cid not in by_id or by_id[cid].source != then:
                # the cell went, or the document caught up with the editor -- or moved past it: the page
                # sends its edits in order, so any edit after the overlay is newer than the overlay
                del self._overlay[cid]
        order = self._order.update(cells)
        self._cells = {cid: by_id[cid].source for cid in order}
        self._refresh()

    def overlay(self, cell_id: str, code: str) -> None:
        """A page's editor holds ``code`` for the cell (its edit is on the way): answer against it."""
        if cell_id not in self._cells:
            return
        if self._cells[cell_id] != code:
            self._overlay[cell_id] = (code, self._cells[cell_id])
        elif self._overlay.pop(cell_id, None) is None:
            return  # the editor agrees with the document and nothing was overlaid: no change
        self._refresh()

    def _refresh(self) -> None:
        shown = {cid: code for cid, (code, _then) in self._overlay.items()}
        doc = VirtualDocument.of([(cid, shown.get(cid, code)) for cid, code in self._cells.items()])
        change = line_change(self.doc.text, doc.text)
        self.doc = doc
        if change is None or self._rpc is None or self.state != "running":
            return
        first, end, text = change
        self.version += 1
        rng = {"start": {"line": first, "character": 0}, "end": {"line": end, "character": 0}}
        self._rpc.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"range": rng, "text": text}],
            },
        )

    # --- from the server -----------------------------------------------------------------
    def _notification(self, method: str, params: Any) -> None:
        if method != "textDocument/publishDiagnostics":
            return
        try:
            got = wire.parse(params, wire.PublishDiagnostics)
        except msgspec.ValidationError as exc:
            log.warning("language server diagnostics dropped: %s", exc)
            return
        if got.uri != self.uri or (got.version is not None and got.version != self.version):
            return  # another file, or a version already overtaken by an edit (a newer set follows)
        by_cell: DiagnosticsByCell = {cid: [] for cid in self._cells}
        for d in got.diagnostics:
            rng = _cell_range(self.doc, d.range)
            if rng is None:
                continue
            code = f" ({d.code})" if d.code not in (None, "") else ""
            by_cell[rng.pop("id")].append(
                {**rng, "severity": SEVERITIES[d.severity], "message": f"{d.message}{code}", "source": d.source or ""}
            )
        self.diagnostics = by_cell
        self._on_diagnostics(by_cell)

    def _request(self, method: str, params: Any) -> Any:
        if method == "workspace/configuration":
            items = params.get("items") if isinstance(params, dict) else None
            return [None] * (len(items) if isinstance(items, list) else 0)
        if method in ("client/registerCapability", "client/unregisterCapability", "window/workDoneProgress/create"):
            return None
        raise LookupError(method)

    # --- requests in cell positions ------------------------------------------------------
    async def _ask(self, method: str, cell_id: str, line: int, character: int, **extra: Any) -> Any:
        await self.start()
        at = self.doc.to_virtual(cell_id, line, character)
        if at is None:
            raise LookupError(f"cell {cell_id!r} line {line} is not Python code the language server sees")
        assert self._rpc is not None
        params = {"textDocument": {"uri": self.uri}, "position": {"line": at[0], "character": at[1]}, **extra}
        return await self._rpc.request(method, params, timeout=20.0)

    async def hover(self, cell_id: str, line: int, character: int) -> str:
        raw = await self._ask("textDocument/hover", cell_id, line, character)
        return "" if raw is None else wire.hover_text(wire.parse(raw, wire.Hover)).strip()

    async def signature(self, cell_id: str, line: int, character: int) -> dict[str, Any] | None:
        raw = await self._ask("textDocument/signatureHelp", cell_id, line, character)
        if raw is None:
            return None
        help_ = wire.parse(raw, wire.SignatureHelp)
        if not help_.signatures:
            return None
        sig = help_.signatures[min(max(help_.active_signature or 0, 0), len(help_.signatures) - 1)]
        active = sig.active_parameter if sig.active_parameter is not None else help_.active_parameter
        span: list[int] | None = None
        if active is not None and 0 <= active < len(sig.parameters):
            label = sig.parameters[active].label
            if isinstance(label, str):
                at = sig.label.find(label)
                span = [at, at + len(label)] if at >= 0 else None
            elif 0 <= label[0] <= label[1] <= len(sig.label):
                span = [label[0], label[1]]
        return {"label": sig.label, "documentation": wire.plain(sig.documentation), "active": span}

    def _locations(self, raw: Any) -> list[dict[str, Any]]:
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        found: list[dict[str, Any]] = []
        for item in items[:MAX_ITEMS]:
            try:
                if isinstance(item, dict) and "targetUri" in item:
                    link = wire.parse(item, wire.LocationLink)
                    uri, rng = link.target_uri, link.target_selection_range or link.target_range
                else:
                    loc = wire.parse(item, wire.Location)
                    uri, rng = loc.uri, loc.range
            except msgspec.ValidationError:
                continue
            cell = _cell_range(self.doc, rng) if uri == self.uri else None
            if cell is not None:
                found.append(cell)
        return found

    async def definition(self, cell_id: str, line: int, character: int) -> list[dict[str, Any]]:
        return self._locations(await self._ask("textDocument/definition", cell_id, line, character))

    async def references(self, cell_id: str, line: int, character: int) -> list[dict[str, Any]]:
        raw = await self._ask("textDocument/references", cell_id, line, character, context={"includeDeclaration": True})
        return self._locations(raw)

    async def completion(self, cell_id: str, line: int, character: int) -> list[dict[str, Any]]:
        raw = await self._ask("textDocument/completion", cell_id, line, character)
        if raw is None:
            return []
        listed = (
            wire.parse({"items": raw}, wire.CompletionList)
            if isinstance(raw, list)
            else wire.parse(raw, wire.CompletionList)
        ).items
        return [
            {
                "label": i.label.split("(", 1)[0],  # jedi labels functions with their parameters
                "type": COMPLETION_TYPES.get(i.kind or 0, "text"),
                "detail": i.detail or (i.label if "(" in i.label else ""),
            }
            for i in listed[:MAX_ITEMS]
        ]

    async def rename(self, cell_id: str, line: int, character: int, new_name: str) -> dict[str, str]:
        """The new code of every cell the rename changes (nothing is applied here). Raises ValueError."""
        if not new_name.isidentifier() or keyword.iskeyword(new_name):
            raise ValueError(f"{new_name!r} is not a Python name")
        before = self.doc
        raw = await self._ask("textDocument/rename", cell_id, line, character, newName=new_name)
        if self.doc is not before:
            raise ValueError("the notebook changed while renaming; try again")
        if raw is None:
            raise ValueError("nothing to rename here")
        edits = wire.parse(raw, wire.WorkspaceEdit).edits_for(self.uri)
        if edits is None:
            raise ValueError("the rename would change other files too; nothing was changed")
        new_code = before.code_by_cell(apply_edits(before.text, edits))
        if new_code is None:
            raise ValueError("the rename would add or remove lines; nothing was changed")
        return {cid: code for cid, code in new_code.items() if code != dict(before.cells)[cid]}
