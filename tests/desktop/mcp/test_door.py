"""The agent door end to end: the `mcp` SDK's client over Streamable HTTP, the running server, a real kernel.

A page (a real WebSocket client) watches the same session, so each test also shows what the
user sees while an agent works: the change arrives as a transaction, the outputs as events.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from helpers import is_output, until
from mcp.types import CallToolResult, ImageContent
from tornado.websocket import websocket_connect

from ..server.conftest import WSClient


def data(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def page(server: Any, session_id: str) -> WSClient:
    client = WSClient(await websocket_connect(server.ws_url(session_id)))
    await client.session_message()
    return client


def tiny_png() -> bytes:
    """A 1x1 red PNG, written by hand (no imaging library needed)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


async def test_list_and_read_a_live_notebook(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    a, b, md = (c.id for c in session.notebook.cells)
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    async with agent() as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"list_notebooks", "read_cells", "add_cell", "edit_cell", "delete_cell", "run_cells"} <= names
        listed = data(await client.call_tool("list_notebooks", {}))["notebooks"]
        assert [(n["session"], n["name"], n["cells"]) for n in listed] == [(session.id, "nb.py", 3)]

        cells = data(await client.call_tool("read_cells", {"notebook": "nb.py"}))["cells"]
        assert [(c["id"], c["kind"], c["code"]) for c in cells] == [
            (a, "code", "x = 1"),
            (b, "code", 'y = x + 1\nprint("y is", y)\ny'),
            (md, "markdown", "Some *text*"),
        ]
        assert cells[1]["status"] == "idle" and cells[1]["output"] == "y is 2\n2"

        graph = data(await client.call_tool("get_graph", {"notebook": session.id}))["cells"]
        assert graph == [
            {"id": a, "defs": ["x"], "refs": [], "parents": [], "children": [b]},
            {"id": b, "defs": ["y"], "refs": ["x"], "parents": [a], "children": []},
        ]
        variables = data(await client.call_tool("get_variables", {}))["variables"]
        assert {(v["name"], v["preview"], v["defined_by"]) for v in variables} >= {("x", "1", a), ("y", "2", b)}


async def test_add_cell_runs_it_and_the_page_shows_it(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=0.05)
    b = session.notebook.cells[1].id
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    watcher = await page(server, session.id)
    async with agent() as client:
        result = await client.call_tool("add_cell", {"code": "z = y * 10\nprint('z is', z)\nz", "after": b})
    got = data(result)
    new = got["created"]
    assert got["finished"] is True and got["ran"] == [new]
    assert got["cells"][0]["output"] == "z is 20\n20" and got["cells"][0]["parents"] == [b]
    # the page got the new cell as a transaction and its outputs as events, as for its own edits
    applied = await watcher.wait_for(lambda m: m["type"] == "transaction_applied")
    assert applied["changes"][0]["op"] == "create" and applied["changes"][0]["id"] == new
    assert applied["changes"][0]["index"] == 2 and not applied.get("mine")  # not the page's own
    await watcher.wait_for(lambda m: is_output(m, new, "20"))
    assert session.notebook.cells[2].id == new
    await until(lambda: any(m["type"] == "saved" for m in watcher.messages))  # autosave wrote it (any order)
    assert "z = y * 10" in nb_path.read_text()
    await watcher.close()


async def test_edit_cell_reruns_its_dependents(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    a, b = session.notebook.cells[0].id, session.notebook.cells[1].id
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    watcher = await page(server, session.id)
    async with agent() as client:
        got = data(await client.call_tool("edit_cell", {"cell_id": a, "code": "x = 41"}))
        assert got["finished"] is True and got["ran"] == [a, b]
        assert {c["id"]: c.get("output") for c in got["cells"]} == {a: None, b: "y is 42\n42"}
        await watcher.wait_for(lambda m: is_output(m, b, "42"))  # the page re-rendered the dependent
        assert session.document.cell(a).source == "x = 41"

        # an edit without a run leaves the kernel alone; run_cells runs it later
        data(await client.call_tool("edit_cell", {"cell_id": a, "code": "x = 9", "run": False}))
        assert session.document.cell(a).source == "x = 9"
        ran = data(await client.call_tool("run_cells", {"cell_ids": [a]}))
        assert ran["ran"] == [a, b] and ran["cells"][1]["output"] == "y is 10\n10"
    await watcher.close()


async def test_outputs_images_errors_and_delete(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    a, b = session.notebook.cells[0].id, session.notebook.cells[1].id
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    png = base64.b64encode(tiny_png()).decode()
    code = f"from IPython.display import display\ndisplay({{'image/png': {png!r}}}, raw=True)"
    async with agent() as client:
        shown = await client.call_tool("add_cell", {"code": code})
        images = [c for c in shown.content if isinstance(c, ImageContent)]
        assert [(i.mime_type, i.data) for i in images] == [("image/png", png)]
        again = await client.call_tool("get_outputs", {"cell_ids": [data(shown)["created"]]})
        assert [i.data for i in again.content if isinstance(i, ImageContent)] == [png]

        failing = data(await client.call_tool("add_cell", {"code": "w = y / 0"}))
        assert failing["cells"][0]["status"] == "error" and "ZeroDivisionError" in failing["cells"][0]["output"]
        errors = data(await client.call_tool("get_errors", {}))["cells"]
        assert [e["id"] for e in errors] == [failing["created"]]
        assert "ZeroDivisionError: division by zero" in errors[0]["errors"][0]

        gone = data(await client.call_tool("delete_cell", {"cell_id": a}))
        assert gone["deleted"] == a and a not in session.document
        assert b in gone["ran"] or session.status_of(b) == "error"
        await until(lambda: session.status_of(b) == "error")
        errors = {e["id"]: e["errors"] for e in data(await client.call_tool("get_errors", {}))["cells"]}
        assert "x" in errors[b][0] and "defined" in errors[b][0]


async def test_hostile_calls_get_clear_errors(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    before = [(c.id, c.source) for c in session.notebook.cells]
    async with agent() as client:
        unknown = await client.call_tool("edit_cell", {"cell_id": "nope", "code": "x = 2"})
        assert unknown.is_error and "no cell 'nope'" in unknown.content[0].text
        too_long = await client.call_tool("add_cell", {"code": "x" * 1_000_001})
        assert too_long.is_error and "code" in too_long.content[0].text
        wrong_type = await client.call_tool("run_cells", {"cell_ids": "not a list"})
        assert wrong_type.is_error
        empty = await client.call_tool("run_cells", {"cell_ids": []})
        assert empty.is_error
        no_such = await client.call_tool("read_cells", {"notebook": "other.py"})
        assert no_such.is_error and "no open notebook 'other.py'" in no_such.content[0].text
        too_long_wait = await client.call_tool("run_cells", {"cell_ids": [before[0][0]], "wait_seconds": 10_000})
        assert too_long_wait.is_error
    assert [(c.id, c.source) for c in session.notebook.cells] == before  # nothing changed


async def test_the_wait_is_bounded_and_the_run_goes_on(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    b = session.notebook.cells[1].id
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    async with agent() as client:
        code = "import time\ntime.sleep(0.5)\nslow = 'done'\nslow"
        early = data(await client.call_tool("add_cell", {"code": code, "wait_seconds": 0}))
        assert early["finished"] is False and "still running" in early["note"]
        new = early["created"]
        await until(lambda: session.status_of(new) == "idle" and session.outputs_of(new))
        later = data(await client.call_tool("get_outputs", {"cell_ids": [new]}))
        assert later["cells"][0]["output"] == "'done'"


async def test_an_untrusted_notebook_refuses_an_agent_as_it_refuses_the_page(
    server, nb_path, agent, door_on, untrusted_user
):
    session = await server.open_notebook(nb_path, autosave_delay=None)  # safe preview: nothing runs
    a = session.notebook.cells[0].id
    async with agent() as client:
        listed = data(await client.call_tool("list_notebooks", {}))["notebooks"]
        assert listed[0]["trusted"] is False
        refused = await client.call_tool("run_cells", {"cell_ids": [a]})
        assert refused.is_error and "trust" in refused.content[0].text.lower()
        edit = await client.call_tool("edit_cell", {"cell_id": a, "code": "import os"})
        assert edit.is_error
    assert session.document.cell(a).source == "x = 1"


async def test_a_read_only_notebook_cannot_be_changed(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, read_only=True, autosave_delay=None)
    a = session.notebook.cells[0].id
    async with agent() as client:
        refused = await client.call_tool("add_cell", {"code": "z = 3"})
        assert refused.is_error and "read-only" in refused.content[0].text
        refused = await client.call_tool("delete_cell", {"cell_id": a})
        assert refused.is_error and "read-only" in refused.content[0].text
    assert session.notebook.cells[0].id == a and len(session.notebook.cells) == 3


async def test_interrupt_stops_an_agents_long_run(server, nb_path, agent, door_on):
    session = await server.open_notebook(nb_path, autosave_delay=None)
    b = session.notebook.cells[1].id
    await until(lambda: session.status_of(b) == "idle" and session.outputs_of(b))
    async with agent() as client:
        started = data(await client.call_tool("add_cell", {"code": "import time\ntime.sleep(600)", "wait_seconds": 0}))
        new = started["created"]
        await until(lambda: session.status_of(new) == "running")
        stopped = data(await client.call_tool("interrupt", {}))
        assert stopped["interrupted"] is True
        await until(lambda: session.status_of(new) == "interrupted")
        out = data(await client.call_tool("get_outputs", {"cell_ids": [new]}))["cells"][0]
        assert out["status"] == "interrupted" and out["output"].startswith("KeyboardInterrupt")
