"""The agent door's tools: read a live notebook, add/edit/delete/run its cells.

Each tool is a typed function; the SDK (``MCPServer``) derives its JSON Schema from the
annotations and validates every call against it before the function runs, so bounds on
sizes (code length, id length, how many cells) are written once, in the ``Annotated`` types
below. Answers are JSON text (and ``structured_content``) plus MCP image content for images.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ContentBlock, TextContent, ToolAnnotations
from pydantic import Field

from reflow.notebook import new_cell_id
from reflow_desktop.mcp import views
from reflow_desktop.mcp.operations import OperationError, Outcome, send

if TYPE_CHECKING:
    from reflow_desktop.session import Session

MAX_CODE = 1_000_000  # characters of one cell's code
MAX_CELLS = 500  # cells named in one call
DEFAULT_WAIT = 60.0
MAX_WAIT = 600.0

NotebookRef = Annotated[
    str | None,
    Field(
        max_length=4096,
        description="Which open notebook: its session id (list_notebooks), file name or path. "
        "May be left out when one notebook is open.",
    ),
]
CellId = Annotated[str, Field(min_length=1, max_length=200, description="A cell id (read_cells).")]
CellIds = Annotated[list[CellId], Field(min_length=1, max_length=MAX_CELLS)]
Code = Annotated[str, Field(max_length=MAX_CODE, description="The cell's full source.")]
Wait = Annotated[
    float,
    Field(
        ge=0,
        le=MAX_WAIT,
        description="Seconds to wait for the run to finish before answering with what is there.",
    ),
]


def build_server(sessions: Mapping[str, Session]) -> MCPServer:
    """An MCP server whose tools act on the notebooks in ``sessions`` (the local server's registry)."""
    mcp: MCPServer = MCPServer(
        "reflow",
        title="Reflow notebooks",
        instructions="Tools to read and change the notebooks open in Reflow, a reactive Python notebook. "
        "Running a cell re-runs the cells that depend on it. Changes show live in the user's window.",
        log_level="WARNING",
    )
    read = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    write = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)

    def pick(ref: str | None) -> Session:
        return find_session(sessions, ref)

    @mcp.tool(annotations=read)
    def list_notebooks() -> CallToolResult:
        """The notebooks open in Reflow: session id, path, kernel state, runtime mode, number of cells."""
        return answer(
            {
                "notebooks": [
                    {
                        "session": s.id,
                        "path": str(s.path),
                        "name": s.path.name,
                        "kernel": s.kernel_state,
                        "mode": s.mode,
                        "read_only": s.read_only,
                        "trusted": s.trust.may_start,
                        "cells": len(s.notebook.cells),
                    }
                    for s in sessions.values()
                ]
            }
        )

    @mcp.tool(annotations=read)
    def read_cells(
        notebook: NotebookRef = None,
        cell_ids: Annotated[list[CellId] | None, Field(max_length=MAX_CELLS)] = None,
    ) -> CallToolResult:
        """Cells in display order: id, kind (code/markdown), status, code, defs/refs/parents/children, output text.

        Status is idle, queued, running, stale, error, cancelled, interrupted or disabled.
        """
        s = pick(notebook)
        states = _states(s, cell_ids)
        listed = [views.cell_summary(st, limit=views.LISTED_TEXT) for st in states]
        return answer({"session": s.id, "cells": listed})

    @mcp.tool(annotations=read)
    def get_graph(notebook: NotebookRef = None) -> CallToolResult:
        """The dataflow graph: per cell the names it defines and reads, and its parent and child cells."""
        s = pick(notebook)
        cells = [{"id": st["id"], **views.graph_entry(st)} for st in s.cell_states() if st["kind"] == "code"]
        return answer({"session": s.id, "order_valid": s.cache.order_valid, "cells": cells})

    @mcp.tool(annotations=read)
    def get_outputs(notebook: NotebookRef = None, cell_ids: CellIds | None = None) -> CallToolResult:
        """The outputs of cells (all code cells if none are named): text, errors, and images as image content."""
        s = pick(notebook)
        states = [st for st in _states(s, cell_ids) if st["kind"] == "code"]
        return answer({"session": s.id, "cells": [views.cell_summary(st, code=False) for st in states]}, states)

    @mcp.tool(annotations=read)
    def get_errors(notebook: NotebookRef = None) -> CallToolResult:
        """Cells with a problem: runtime errors (with traceback) and static ones (syntax, cycles, redefinitions)."""
        s = pick(notebook)
        found = []
        for st in s.cell_states():
            runtime = [views.error_text(o.get("error")) for o in st["outputs"] if o.get("kind") == "error"]
            static = [views.error_text(e) for e in st.get("errors") or []]
            if runtime or static:
                found.append({"id": st["id"], "status": st["status"], "errors": runtime + static})
        return answer({"session": s.id, "cells": found})

    @mcp.tool(annotations=read)
    def get_variables(notebook: NotebookRef = None) -> CallToolResult:
        """The notebook's global variables after the last run: name, type, preview, defining and reading cells."""
        s = pick(notebook)
        return answer({"session": s.id, "variables": views.variables_view(s.cache.variables)})

    @mcp.tool(annotations=write)
    async def add_cell(
        code: Code,
        notebook: NotebookRef = None,
        kind: Literal["code", "markdown"] = "code",
        after: Annotated[
            str | None, Field(max_length=200, description="Insert after this cell; default: at the end.")
        ] = None,
        run: Annotated[bool, Field(description="Run it (code cells) and answer with its outputs.")] = True,
        wait_seconds: Wait = DEFAULT_WAIT,
    ) -> CallToolResult:
        """Add a cell (shown at once in the user's window); a code cell is run unless run is false."""
        s = pick(notebook)
        index = len(s.notebook.cells)
        if after is not None:
            ids = [c.id for c in s.notebook.cells]
            if after not in ids:
                raise ToolError(f"no cell {after!r} in {s.path.name}")
            index = ids.index(after) + 1
        cid = new_cell_id()
        await _send(s, {"type": "create_cell", "id": cid, "index": index, "kind": kind, "code": code}, wait_seconds)
        if run and kind == "code":
            outcome = await _send(s, {"type": "run", "cells": [{"id": cid}]}, wait_seconds)
            return _ran(s, [cid], outcome, created=cid)
        return answer({"session": s.id, "created": cid, "cell": views.cell_summary(_state(s, cid))})

    @mcp.tool(annotations=write)
    async def edit_cell(
        cell_id: CellId,
        code: Code,
        notebook: NotebookRef = None,
        run: Annotated[bool, Field(description="Run it: the cells that depend on it re-run too.")] = True,
        wait_seconds: Wait = DEFAULT_WAIT,
    ) -> CallToolResult:
        """Replace a cell's code; by default run it, so its dependents re-run, and answer with the outputs."""
        s = pick(notebook)
        _state(s, cell_id)
        if run and s.document.cell(cell_id).kind == "code":
            outcome = await _send(s, {"type": "run", "cells": [{"id": cell_id, "code": code}]}, wait_seconds)
            return _ran(s, [cell_id], outcome)
        await _send(s, {"type": "edit", "id": cell_id, "code": code}, wait_seconds)
        return answer({"session": s.id, "cell": views.cell_summary(_state(s, cell_id))})

    @mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def delete_cell(
        cell_id: CellId, notebook: NotebookRef = None, wait_seconds: Wait = DEFAULT_WAIT
    ) -> CallToolResult:
        """Delete a cell: its names are no longer defined; the cells that read them re-run (or turn stale)."""
        s = pick(notebook)
        _state(s, cell_id)
        outcome = await _send(s, {"type": "delete_cell", "id": cell_id}, wait_seconds)
        return _ran(s, [], outcome, deleted=cell_id)

    @mcp.tool(annotations=write)
    async def run_cells(
        cell_ids: CellIds, notebook: NotebookRef = None, wait_seconds: Wait = DEFAULT_WAIT
    ) -> CallToolResult:
        """Run cells (and, reactively, their dependents); answer with the outputs of every cell that ran."""
        s = pick(notebook)
        for cid in cell_ids:
            _state(s, cid)
        outcome = await _send(s, {"type": "run", "cells": [{"id": cid} for cid in cell_ids]}, wait_seconds)
        return _ran(s, list(cell_ids), outcome)

    @mcp.tool(annotations=write)
    async def interrupt(notebook: NotebookRef = None) -> CallToolResult:
        """Stop the running cell and cancel the rest of the run (as the page's Interrupt)."""
        s = pick(notebook)
        await _send(s, {"type": "interrupt"}, 0)
        running = [st["id"] for st in s.cell_states() if st["status"] in ("running", "queued")]
        return answer({"session": s.id, "interrupted": True, "was_running": running})

    return mcp


def find_session(sessions: Mapping[str, Session], ref: str | None) -> Session:
    """The session ``ref`` names (id, file name or path); with no ``ref``, the only open one."""
    if ref is None:
        if len(sessions) == 1:
            return next(iter(sessions.values()))
        if not sessions:
            raise ToolError("no notebook is open in Reflow")
        raise ToolError(f"{len(sessions)} notebooks are open: name one (list_notebooks)")
    if ref in sessions:
        return sessions[ref]
    matches = [s for s in sessions.values() if ref in (str(s.path), s.path.name, s.path.stem)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ToolError(f"{len(matches)} open notebooks are called {ref!r}: use the session id (list_notebooks)")
    raise ToolError(f"no open notebook {ref[:200]!r} (list_notebooks names them)")


def answer(data: dict[str, Any], with_outputs: list[dict[str, Any]] | None = None) -> CallToolResult:
    """JSON text (and the same as structured content), then the images among the outputs if given."""
    blocks: list[ContentBlock] = [TextContent(type="text", text=json.dumps(data, indent=1, default=str))]
    if with_outputs:
        blocks.extend(views.image_blocks(with_outputs))
    return CallToolResult(content=blocks, structured_content=data)


def _states(session: Session, ids: list[str] | None) -> list[dict[str, Any]]:
    if ids is None:
        return session.cell_states()
    return [_state(session, cid) for cid in ids]


def _state(session: Session, cell_id: str) -> dict[str, Any]:
    cell = session.document.get(cell_id)
    if cell is None:
        raise ToolError(f"no cell {cell_id[:200]!r} in {session.path.name} (read_cells lists them)")
    return session.cache.cell_state(cell)


async def _send(session: Session, msg: dict[str, Any], wait: float) -> Outcome:
    try:
        return await send(session, msg, timeout=wait)
    except OperationError as exc:
        raise ToolError(str(exc)) from exc


def _ran(session: Session, asked: list[str], outcome: Outcome, **extra: str) -> CallToolResult:
    """The answer to a change: which cells ran, whether the run finished, and their outputs."""
    ids = [cid for cid in [*asked, *outcome.ran] if cid in session.document]
    ids = list(dict.fromkeys(ids))
    states = [_state(session, cid) for cid in ids]
    data: dict[str, Any] = {
        "session": session.id,
        **extra,
        "finished": outcome.finished,
        "ran": [cid for cid in outcome.ran if cid in session.document],
        "cells": [views.cell_summary(st, code=False) for st in states],
    }
    if not outcome.finished:
        data["note"] = "still running: call get_outputs later (or run_cells with a longer wait_seconds)"
    return answer(data, states)
