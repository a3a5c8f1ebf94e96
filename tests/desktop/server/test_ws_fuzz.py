"""Every malformed WebSocket message gets an error reply and changes nothing (issue 15), fuzzed.

A real server, a real session (its kernel running) and a real WebSocket. Hypothesis sends frames that
are not part of the protocol — not JSON, not an object, an unknown type, missing or mistyped fields,
text a notebook cannot hold (NUL, lone surrogates), operations on cells that do not exist — each
followed by a ``resync`` whose ``cells`` reply closes the exchange. Before that reply an ``error``
must have come, and the cells, the document version and the file must be as they were.

The server runs on its own event loop in a thread, so that Hypothesis (synchronous) drives it; the
number of examples is bounded for CI (``REFLOW_FUZZ_EXAMPLES``, default 60).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import WAIT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tornado.websocket import WebSocketClientConnection, websocket_connect

from reflow_desktop import protocol as P
from reflow_desktop.server import ReflowServer

NOTEBOOK = "# %%\nx = 1\n\n# %%\ny = x + 1\n\n# %% [markdown]\n# text\n"
EXAMPLES = int(os.environ.get("REFLOW_FUZZ_EXAMPLES", "60"))
BAD_TEXT = ["\x00", "a\x00b", "\ud83d", "x = '\udc00'", "\ud800\x00"]


@dataclass
class Live:
    loop: asyncio.AbstractEventLoop
    conn: WebSocketClientConnection
    path: Path
    cells: list[dict[str, Any]]  # the `cells` reply to a resync before any fuzzing
    ids: list[str]

    def exchange(self, frame: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Send ``frame`` (if any) and a resync; (the messages before the resync's reply, that reply)."""
        return asyncio.run_coroutine_threadsafe(self._exchange(frame), self.loop).result(WAIT)

    async def _exchange(self, frame: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        if frame is not None:
            await self.conn.write_message(frame)
        await self.conn.write_message(json.dumps({"type": "resync"}))
        before: list[dict[str, Any]] = []
        while True:
            raw = await asyncio.wait_for(self.conn.read_message(), WAIT)
            assert raw is not None, "the server closed the connection"
            msg = json.loads(raw)
            if msg.get("type") == "cells":
                return before, msg
            before.append(msg)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("fuzz") / "nb.py"
    path.write_text(NOTEBOOK)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(WAIT)

    async def open_() -> tuple[ReflowServer, WebSocketClientConnection]:
        server = ReflowServer()
        await server.start()
        session = await server.open_notebook(path, autosave_delay=0.01)
        conn = await websocket_connect(server.ws_url(session.id))
        return server, conn

    server, conn = run(open_())
    live = Live(loop, conn, path, [], [])
    _, reply = live.exchange(None)
    live.cells, live.ids = reply["cells"], [c["id"] for c in reply["cells"]]
    try:
        yield live
    finally:

        async def close() -> None:
            conn.close()
            await server.stop()

        run(close())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(WAIT)
        loop.close()


# --- what is sent ---------------------------------------------------------------------------------
TEXT = st.one_of(st.text(max_size=20), st.sampled_from(BAD_TEXT))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["id", "code", "index", "kind", "options", "cells", "changes", "mode", "cursor", "request_id",
          "element_id", "value", "page", "requirement", "name", "rerun", "output", "runtime", "updates"]  # fmt: skip
TYPES = [*sorted(P.CLIENT_MESSAGES), "", "nope", "__init__", "_h_run"]
# what the kernel broadcasts by itself (the notebook's first run may still be reporting)
KERNEL_EVENTS = {"batch", "cell_status", "cell_clear", "cell_output", "cell_cached", "graph", "variables", "kernel",
                 "ui_values", "session"}  # fmt: skip
ON_CELLS = ["edit", "delete_cell", "move_cell", "set_options", "set_kind", "run"]


def _typed(draw: st.DrawFn) -> dict[str, Any]:
    """A message of a (mostly) known type whose fields are random JSON."""
    msg = draw(st.dictionaries(st.sampled_from(FIELDS) | TEXT, JSON, max_size=5))
    msg["type"] = draw(st.sampled_from(TYPES))
    return msg


def _with_bad_text(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed edit or new cell whose text a notebook cannot hold."""
    bad = draw(st.sampled_from(BAD_TEXT))
    return draw(
        st.sampled_from(
            [
                {"type": "edit", "id": "ID", "code": bad},
                {"type": "create_cell", "id": "new-cell", "index": 0, "kind": "code", "code": bad},
                {"type": "set_options", "id": "ID", "options": {bad: True}},
                {"type": "transaction", "changes": [{"op": "set_code", "id": "ID", "code": bad}]},
                {"type": "run", "cells": [{"id": "ID", "code": bad}]},
            ]
        )
    )


def _unknown_cell(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed operation on a cell that does not exist."""
    mtype = draw(st.sampled_from(ON_CELLS))
    cid = "missing-" + draw(st.text(alphabet="abcdef0123456789", max_size=8))
    return {
        "edit": {"type": "edit", "id": cid, "code": "x = 2"},
        "delete_cell": {"type": "delete_cell", "id": cid},
        "move_cell": {"type": "move_cell", "id": cid, "index": draw(st.integers())},
        "set_options": {"type": "set_options", "id": cid, "options": {"hide_code": True}},
        "set_kind": {"type": "set_kind", "id": cid, "kind": "markdown"},
        "run": {"type": "run", "cells": [{"id": cid}]},
    }[mtype]


@st.composite
def frames(draw: st.DrawFn) -> tuple[str, str]:
    """(what kind of malformed, the frame's text)."""
    kind = draw(st.sampled_from(["not json", "not an object", "typed", "bad text", "unknown cell"]))
    if kind == "not json":
        return kind, draw(st.sampled_from(["", "{", "nul\x00", "[" * 100_000, "{'a': 1}"]) | st.text(max_size=30))
    if kind == "not an object":
        return kind, json.dumps(draw(JSON.filter(lambda v: not isinstance(v, dict))))
    if kind == "typed":
        msg = _typed(draw)
    elif kind == "bad text":
        msg = _with_bad_text(draw)
    else:
        msg = _unknown_cell(draw)
    return kind, json.dumps(msg)


def _document(cells: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the document holds (the kernel fills in the graph and statuses meanwhile)."""
    return [(c["id"], c["kind"], c["code"], c["options"]) for c in cells]


def _is_well_formed(frame: str) -> bool:
    """Whether ``frame`` is a protocol message (those are not what this test sends)."""
    try:
        P.validate_client_message(json.loads(frame))
    except (ValueError, RecursionError):
        return False
    return True


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(frame=frames())
def test_every_malformed_message_gets_an_error_and_changes_nothing(live: Live, frame: tuple[str, str]) -> None:
    kind, text = frame
    text = text.replace('"ID"', json.dumps(live.ids[0]))  # a real cell, for the bad-text messages
    if kind == "typed" and _is_well_formed(text):
        return  # a real message that happens to be valid: not malformed
    file_before = live.path.read_bytes()
    before, reply = live.exchange(text)
    replies = [m["type"] for m in before if m["type"] not in KERNEL_EVENTS]
    assert replies == ["error"], (kind, text[:200], before)
    assert _document(reply["cells"]) == _document(live.cells) and reply.get("doc_version") == 0, (kind, text[:200])
    assert live.path.read_bytes() == file_before
