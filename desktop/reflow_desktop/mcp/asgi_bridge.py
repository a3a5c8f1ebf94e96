"""Serve one tornado request through an ASGI application (the MCP SDK's Streamable HTTP app).

Tornado has no ASGI host, but an HTTP request/response pair maps onto ASGI in a few lines:
the body tornado already read (and bounded) is the one ``http.request`` message, a closed
connection is ``http.disconnect``, and ``http.response.*`` messages become the status,
headers and (flushed) body chunks of the tornado response. That is all the SDK's session
manager needs, so the protocol (JSON-RPC framing, version negotiation, SSE framing when used)
stays the SDK's, and tornado keeps the socket, the access checks and the log lines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import tornado.web
from tornado.iostream import StreamClosedError

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Message, Receive, Send], Awaitable[None]]


def http_scope(handler: tornado.web.RequestHandler, *, root_path: str = "") -> dict[str, Any]:
    """The ASGI ``http`` scope of the handler's request."""
    req = handler.request
    host, _, port = (req.host or "127.0.0.1").rpartition(":")
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in req.headers.get_all()]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": req.version.removeprefix("HTTP/") or "1.1",
        "method": req.method or "GET",
        "scheme": req.protocol,
        "path": req.path,
        "raw_path": req.path.encode("latin-1"),
        "query_string": (req.query or "").encode("latin-1"),
        "root_path": root_path,
        "headers": headers,
        "client": (req.remote_ip, 0),
        "server": (host or "127.0.0.1", int(port) if port.isdigit() else 80),
    }


class TornadoASGIResponse:
    """``receive`` and ``send`` for one request, written to a tornado handler."""

    def __init__(self, handler: tornado.web.RequestHandler) -> None:
        self.handler = handler
        self.closed = asyncio.Event()  # the client went away (handler.on_connection_close)
        self.started = False
        self._body_sent = False

    async def receive(self) -> Message:
        if not self._body_sent:
            self._body_sent = True
            return {"type": "http.request", "body": self.handler.request.body or b"", "more_body": False}
        await self.closed.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        h = self.handler
        if message["type"] == "http.response.start":
            self.started = True
            h.set_status(int(message["status"]))
            h.clear_header("Content-Type")
            for raw_name, raw_value in message.get("headers") or []:
                name, value = bytes(raw_name).decode("latin-1"), bytes(raw_value).decode("latin-1")
                if name.lower() in ("content-length", "transfer-encoding", "connection"):
                    continue  # tornado frames the body itself
                h.add_header(name, value)
        elif message["type"] == "http.response.body":
            body = bytes(message.get("body") or b"")
            if self.closed.is_set():
                raise OSError("the client closed the connection")
            if body:
                h.write(body)
            if message.get("more_body"):
                try:
                    await h.flush()
                except StreamClosedError as exc:
                    self.closed.set()
                    raise OSError("the client closed the connection") from exc


async def serve_asgi(handler: tornado.web.RequestHandler, app: ASGIApp, response: TornadoASGIResponse) -> None:
    """Run ``app`` for the handler's request and finish the tornado response."""
    await app(http_scope(handler), response.receive, response.send)
    if not response.started:
        raise tornado.web.HTTPError(500, reason="The MCP app sent no response")
    if not handler._finished:
        handler.finish()
