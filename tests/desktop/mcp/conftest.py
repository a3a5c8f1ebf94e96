"""Fixtures for the agent door: a real server, a real kernel, a real MCP client (the `mcp` SDK's).

The client speaks Streamable HTTP over the network to the running tornado server, exactly as
an agent would; the page side is a real WebSocket client (tests/desktop/server/conftest.py's).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from reflow_desktop.server import ReflowServer
from reflow_desktop.settings import Settings, save_settings

NOTEBOOK = """\
# %%
x = 1

# %%
y = x + 1
print("y is", y)
y

# %% [markdown]
# Some *text*
"""


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file of the test's own (the door's setting is read from it per request)."""
    d = tmp_path / "config"
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(d))
    return d


@pytest.fixture
def door_on(config_dir: Path) -> None:
    save_settings(Settings(mcp_server="on"))


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NOTEBOOK)
    return p


@pytest.fixture
async def server() -> AsyncIterator[ReflowServer]:
    srv = ReflowServer()
    await srv.start()
    yield srv
    await srv.stop()


def mcp_url(server: ReflowServer) -> str:
    return f"http://127.0.0.1:{server.port}/mcp"


Connect = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def agent(server: ReflowServer) -> Connect:
    """``async with agent() as client``: an MCP client with the launch token as a bearer header."""

    @asynccontextmanager
    async def connect(headers: dict[str, str] | None = None, url: str | None = None) -> AsyncIterator[Client]:
        sent = {"Authorization": f"Bearer {server.token}"} if headers is None else headers
        async with create_mcp_http_client(headers=sent) as http:
            async with Client(streamable_http_client(url or mcp_url(server), http_client=http)) as client:
                yield client

    return connect


def raw_post(server: ReflowServer, headers: dict[str, str], url: str | None = None) -> httpx2.Response:
    """One JSON-RPC initialize POST with exactly ``headers`` (to test what the door refuses)."""
    body: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"},
        },
    }
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    with httpx2.Client(timeout=60) as http:
        return http.post(url or mcp_url(server), json=body, headers={**base, **headers})
