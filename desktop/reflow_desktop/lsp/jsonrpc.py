"""JSON-RPC 2.0 over a language server's stdio, with LSP's ``Content-Length`` framing (asyncio).

Why not pygls' client: the app needs six requests and two notifications, its asyncio loop already
runs the session, and pygls would add cattrs and its own loop handling for that; the framing is
thirty lines. What comes back is untrusted: a header without a sane length, a body over
``MAX_BODY`` or not JSON ends the connection (the server is then treated as gone), and results
are checked by ``wire`` (msgspec) before anything uses them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024  # a 200-cell notebook's diagnostics are a few hundred kB
MAX_HEADER_LINES = 16

Handler = Callable[[str, Any], Any]  # (method, params) -> result (requests) / ignored (notifications)


class RpcError(RuntimeError):
    """The server answered a request with an error, or went away before it answered."""


class FramingError(ValueError):
    """What the server wrote is not LSP framing."""


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """One framed message; None at end of stream. Raises FramingError on anything malformed."""
    length: int | None = None
    for _ in range(MAX_HEADER_LINES):
        line = await reader.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise FramingError(f"bad Content-Length {value.strip()[:40]!r}") from None
    else:
        raise FramingError("header too long")
    if length is None or not 0 <= length <= MAX_BODY:
        raise FramingError(f"missing or out-of-range Content-Length ({length})")
    body = await reader.readexactly(length)
    try:
        message = json.loads(body)
    except ValueError as exc:
        raise FramingError(f"body is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise FramingError("message is not an object")
    return message


class JsonRpcConnection:
    """Requests with futures, notifications, and the server's own requests answered by ``on_request``."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        on_notification: Handler,
        on_request: Handler,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._on_notification = on_notification
        self._on_request = on_request
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._task = asyncio.get_running_loop().create_task(self._read_loop())
        self.closed = asyncio.get_running_loop().create_future()  # set when the stream ends

    async def request(self, method: str, params: Any, timeout: float = 30.0) -> Any:
        if self.closed.done():
            raise RpcError("the language server is not running")
        rid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        self._write({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            self.notify("$/cancelRequest", {"id": rid})
            raise RpcError(f"{method}: no answer within {timeout:.0f} s") from None
        finally:
            self._pending.pop(rid, None)

    def notify(self, method: str, params: Any) -> None:
        if not self.closed.done():
            self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def _write(self, message: dict[str, Any]) -> None:
        if self._writer.is_closing():
            return
        self._writer.write(encode(message))

    async def drain(self) -> None:
        with contextlib.suppress(ConnectionError):
            await self._writer.drain()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        self._finish("connection closed")
        with contextlib.suppress(Exception):
            self._writer.close()

    def _finish(self, why: str) -> None:
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(RpcError(f"the language server went away ({why})"))
        self._pending.clear()
        if not self.closed.done():
            self.closed.set_result(why)

    async def _read_loop(self) -> None:
        why = "end of output"
        try:
            while (message := await read_message(self._reader)) is not None:
                self._dispatch(message)
        except (FramingError, asyncio.IncompleteReadError, ConnectionError) as exc:
            why = str(exc) or type(exc).__name__
            log.warning("language server: %s", why)
        finally:
            self._finish(why)

    def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        mid = message.get("id")
        if isinstance(method, str) and mid is not None:  # the server asks us something
            try:
                result = self._on_request(method, message.get("params"))
                self._write({"jsonrpc": "2.0", "id": mid, "result": result})
            except LookupError:
                self._write({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": "not supported"}})
        elif isinstance(method, str):
            try:
                self._on_notification(method, message.get("params"))
            except Exception:  # one bad notification must not end the connection
                log.exception("language server notification %s", method)
        elif isinstance(mid, int) and (fut := self._pending.get(mid)) is not None and not fut.done():
            error = message.get("error")
            if error is not None:
                text = error.get("message") if isinstance(error, dict) else None
                fut.set_exception(RpcError(str(text)[:500] if text else "error"))
            else:
                fut.set_result(message.get("result"))
