"""The agent door's lifetime: built on the first request after the user turned it on, stopped with the server.

Nothing of the MCP SDK is imported or running while the setting is off. The SDK's
Streamable HTTP session manager must run inside an anyio task group for its whole life,
entered and left by the same task, so it gets a task of its own here.

Stateless JSON mode: each POST carries one JSON-RPC message and gets its answer as JSON.
No MCP session survives between requests, no long-lived SSE stream is held open, and no
server-to-client requests are made (the tools need none), so a crashed or vanished agent
leaves nothing behind and the tornado bridge stays a plain request/response.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reflow_desktop.server.security import Guard

if TYPE_CHECKING:
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from reflow_desktop.mcp.asgi_bridge import ASGIApp
    from reflow_desktop.session import Session

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024  # bytes of one JSON-RPC request (a cell's code is bounded below that)


def enabled() -> bool:
    """Whether the user turned the door on (Settings ▸ ``mcp_server``); read per request, so it acts at once."""
    from reflow_desktop.settings import load_settings

    return load_settings().mcp_server == "on"


class AgentDoor:
    """The MCP endpoint's SDK side for one local server: its notebooks, its Host/Origin rules."""

    def __init__(self, sessions: Mapping[str, Session], guard: Guard) -> None:
        self.sessions = sessions
        self.guard = guard
        self._manager: StreamableHTTPSessionManager | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._stop = asyncio.Event()
        self._record: Path | None = None

    def publish(self) -> None:
        """Once the server listens: record its endpoint for ``reflow mcp-url`` (mcp/address.py)."""
        from reflow_desktop.mcp import address

        try:
            self._record = address.write(self.guard.port, self.guard.token)
        except OSError as exc:  # a read-only data dir: the door works, `reflow mcp-url` cannot find it
            log.warning("cannot record the MCP endpoint for `reflow mcp-url`: %s", exc)

    async def app(self) -> ASGIApp:
        """The SDK's ASGI app, started on first use."""
        if self._ready is None:
            self._ready = asyncio.get_running_loop().create_future()
            self._manager = self._build()
            self._task = asyncio.create_task(self._run(self._manager, self._ready), name="reflow-mcp")
        await asyncio.shield(self._ready)
        assert self._manager is not None
        return self._manager.handle_request

    def _build(self) -> StreamableHTTPSessionManager:
        from mcp.server.transport_security import TransportSecuritySettings

        from reflow_desktop.mcp.tools import build_server

        server = build_server(self.sessions)
        # The SDK checks Host and Origin too (after the tornado guard did): the same exact values.
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=sorted(self.guard.allowed_hosts()),
            allowed_origins=sorted(self.guard.allowed_origins()),
        )
        server.streamable_http_app(
            json_response=True, stateless_http=True, transport_security=security, max_request_body_size=MAX_BODY
        )
        return server.session_manager

    async def _run(self, manager: StreamableHTTPSessionManager, ready: asyncio.Future[None]) -> None:
        try:
            async with manager.run():
                ready.set_result(None)
                await self._stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    async def close(self) -> None:
        """Stop the SDK's task group and forget the endpoint record (with the server)."""
        if self._record is not None:
            from reflow_desktop.mcp import address

            address.remove(self._record, self.guard.token)
            self._record = None
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
