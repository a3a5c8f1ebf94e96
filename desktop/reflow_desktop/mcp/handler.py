"""``/mcp``: the agent door's HTTP endpoint (MCP Streamable HTTP) on the local server.

The same door rules as the page: the Host must name this loopback port, an Origin (when sent)
must be this server's, and the per-launch token must come with the request, as
``Authorization: Bearer TOKEN`` (what MCP clients send), ``X-Reflow-Token`` or ``?token=``.
The page's cookie is not accepted here: an agent is no browser page. The peer must be
127.0.0.1 (the server binds nothing else; this says it twice). Then the endpoint answers only
while the user has it on in Settings; otherwise 404 with how to turn it on.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import tornado.web

from reflow_desktop.mcp.asgi_bridge import TornadoASGIResponse, serve_asgi
from reflow_desktop.mcp.door import AgentDoor, enabled
from reflow_desktop.server.log_safe import TokenSafeHandler, safe_path

if TYPE_CHECKING:
    from reflow_desktop.server.security import Guard

log = logging.getLogger(__name__)

OFF = "The agent door (MCP) is off: turn on Settings > mcp_server"


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class McpHandler(TokenSafeHandler):
    """Guard, setting, then the SDK's Streamable HTTP app through the ASGI bridge."""

    def initialize(self, guard: Guard, door: AgentDoor) -> None:
        self.guard = guard
        self.door = door
        self._response: TornadoASGIResponse | None = None

    def prepare(self) -> None:
        req = self.request
        tokens = [bearer(req.headers.get("Authorization")), req.headers.get("X-Reflow-Token")]
        tokens.append(self.get_query_argument("token", None))
        reason = self.guard.check(host=req.headers.get("Host"), origin=req.headers.get("Origin"), tokens=tokens)
        if reason is None and req.remote_ip not in ("127.0.0.1", "::1"):
            reason = "not from this machine"
        if reason is not None:
            log.warning("refused %s %s: %s", req.method, safe_path(req.path), reason)
            raise tornado.web.HTTPError(403, reason=reason.capitalize())
        if not enabled():
            raise tornado.web.HTTPError(404, reason=OFF)

    async def _serve(self) -> None:
        app = await self.door.app()
        self._response = TornadoASGIResponse(self)
        await serve_asgi(self, app, self._response)

    async def post(self, *_: Any) -> None:
        await self._serve()

    # No GET (a server-sent event stream) and no DELETE (end of a session): the door is stateless,
    # so, as the Streamable HTTP spec allows, both answer 405 (tornado's default for a missing method)
    # and nothing is held open.

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A refusal as a JSON-RPC error, so an agent's MCP client can tell its user why."""
        self.set_header("Content-Type", "application/json")
        message = f"{status_code} {self._reason}"
        self.finish(json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}))

    def on_connection_close(self) -> None:
        if self._response is not None:
            self._response.closed.set()
