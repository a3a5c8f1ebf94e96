"""Fixtures for server tests: a real server on 127.0.0.1 and a real WebSocket client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import websocket_connect

from reflow_desktop.server import ReflowServer

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
x = 1

# %%
y = x + 1
print("y is", y)
y

# %% [markdown]
# Some *text*
"""

WAIT = 60.0  # generous readiness wait; never a performance limit


class WSClient:
    """Collects every message; ``wait_for`` returns the first match after the last one it returned.

    Messages before that point are consumed, so a wait never answers with an event that
    happened before the action the test is waiting on (e.g. the ``idle`` before a restart).
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.messages: list[dict] = []
        self._seen = 0
        self._reader = asyncio.create_task(self._read())
        self._event = asyncio.Event()

    async def _read(self) -> None:
        while True:
            raw = await self.conn.read_message()
            if raw is None:
                self.messages.append({"type": "__closed__"})
                self._event.set()
                return
            msg = json.loads(raw)  # a kernel "batch" carries several events: record them one by one
            self.messages.extend(msg.get("events") or [] if msg.get("type") == "batch" else [msg])
            self._event.set()

    def send(self, msg: dict) -> None:
        self.conn.write_message(json.dumps(msg))

    async def wait_for(self, pred: Callable[[dict], bool], timeout: float = WAIT) -> dict:
        async def scan() -> dict:
            while True:
                while self._seen < len(self.messages):
                    m = self.messages[self._seen]
                    self._seen += 1
                    if pred(m):
                        return m
                self._event.clear()
                await self._event.wait()

        return await asyncio.wait_for(scan(), timeout)

    async def session_message(self) -> dict:
        """The `session` message a page gets on connect (the whole state)."""
        return await self.wait_for(lambda m: m["type"] == "session")

    async def close(self) -> None:
        self.conn.close()
        self._reader.cancel()


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NOTEBOOK)
    return p


@pytest.fixture
async def server():
    srv = ReflowServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def connect(server):
    clients: list[WSClient] = []

    async def _connect(session_id: str) -> WSClient:
        conn = await websocket_connect(server.ws_url(session_id))
        client = WSClient(conn)
        clients.append(client)
        return client

    yield _connect
    for c in clients:
        await c.close()


@pytest.fixture
def open_page(server, connect):
    """``await open_page(path, **options)``: open a notebook on the server and connect a page to it.

    Returns (session, page client, the `session` message the page got).
    """

    async def _open(path: Path, **options: Any) -> tuple[Any, WSClient, dict]:
        session = await server.open_notebook(path, **options)
        client = await connect(session.id)
        return session, client, await client.session_message()

    return _open
