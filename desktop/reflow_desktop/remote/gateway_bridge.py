"""Local ZMQ sockets that stand in for a gateway kernel, relayed over its WebSocket.

jupyter_client's KernelManager and clients speak ZMQ to the five sockets of a connection file.
A gateway kernel is reachable only through ``/api/kernels/{id}/channels``, a WebSocket. So the
bridge binds the five sockets itself (the connection file's addresses, signed with its key: a
local client cannot tell the difference) and relays each message over the WebSocket in the
``v1.kernel.websocket.jupyter.org`` framing, which carries the message parts as raw bytes: the
bridge re-signs, it never re-encodes. Comm messages (Reflow's reactive operations), widgets,
``input()`` and control requests pass unchanged. The heartbeat is answered here while the
WebSocket is up; the gateway watches the real process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.session import Session
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from reflow_desktop.remote.gateway_rest import GatewayError

log = logging.getLogger(__name__)

WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
DELIM = b"<IDS|MSG>"
ROUTED = ("shell", "control", "stdin")  # request/reply channels: replies go back to the asking client
MAX_MESSAGE_BYTES = 1 << 30  # an output may hold a large image or table
PING_INTERVAL_S = 10.0  # a dead network is noticed within about two pings


def pack_v1(channel: str, parts: list[bytes]) -> bytes:
    """One WebSocket frame: offsets table, channel name, then header, parent, metadata, content, buffers."""
    name = channel.encode()
    offsets = [8 * (len(parts) + 3)]
    offsets.append(offsets[-1] + len(name))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    table = b"".join(n.to_bytes(8, "little") for n in [len(offsets), *offsets])
    return b"".join([table, name, *parts])


def unpack_v1(frame: bytes) -> tuple[str, list[bytes]]:
    """``(channel, parts)`` of a v1 frame; ValueError when the frame does not hold together."""
    if len(frame) < 8:
        raise ValueError("frame too short")
    count = int.from_bytes(frame[:8], "little")
    if count < 2 or 8 * (count + 1) > len(frame):
        raise ValueError("bad offset table")
    offsets = [int.from_bytes(frame[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if offsets != sorted(offsets) or offsets[0] != 8 * (count + 1) or offsets[-1] > len(frame):
        raise ValueError("offsets out of order or past the end")
    channel = frame[offsets[0] : offsets[1]].decode("utf-8", "replace")
    parts = [frame[offsets[i] : offsets[i + 1]] for i in range(1, count - 1)]
    if len(parts) < 4:
        raise ValueError("fewer than four message parts")
    return channel, parts


def _address(info: dict[str, Any], channel: str) -> str:
    port = info[f"{channel}_port"]
    if info.get("transport", "tcp") == "ipc":
        return f"ipc://{info['ip']}-{port}"
    return f"tcp://{info['ip']}:{port}"


def _json_field(part: bytes) -> dict[str, Any]:
    try:
        value = json.loads(part)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class KernelBridge:
    """The five local sockets of ``connection_info`` relayed to one gateway kernel's WebSocket.

    ``on_lost(reason, dropped)`` is called when the WebSocket closes without ``close()`` having been
    asked (``dropped``: the kernel may still be there, ``reconnect()`` may help), or when the gateway
    reports the kernel restarted or dead behind our back (not ``dropped``).
    """

    def __init__(
        self,
        connection_info: dict[str, Any],
        ws_url: str,
        headers: dict[str, str],
        on_lost: Callable[[str, bool], None],
        connect_timeout: float = 120.0,  # the gateway answers once the kernel replied to kernel_info
    ) -> None:
        self.info = connection_info
        self.ws_url = ws_url
        self.headers = headers
        self.on_lost = on_lost
        self.connect_timeout = connect_timeout
        key = connection_info.get("key", b"")
        self.session = Session(
            key=key.encode() if isinstance(key, str) else key,
            signature_scheme=str(connection_info.get("signature_scheme", "hmac-sha256")),
        )
        self.ws: WebSocketClientConnection | None = None
        self.ctx: zmq.asyncio.Context | None = None
        self.sockets: dict[str, zmq.asyncio.Socket] = {}
        # per routed channel: the client session id -> its socket identity (where replies go)
        self.routes: dict[str, dict[str, list[bytes]]] = {c: {} for c in ROUTED}
        self.tasks: list[asyncio.Task[None]] = []
        self.closing = False

    async def start(self) -> None:
        """Open the WebSocket, then bind the local sockets (a failure leaves nothing behind)."""
        self.ws = await self._open_ws()
        try:
            self._bind()
        except zmq.ZMQError as exc:
            await self.close()
            raise GatewayError(f"Cannot open the local kernel sockets: {exc}.") from exc
        self.tasks = [asyncio.create_task(self._from_gateway(self.ws), name="gateway-ws-reader")]
        self.tasks += [asyncio.create_task(self._from_clients(c), name=f"gateway-{c}") for c in ROUTED]
        self.tasks.append(asyncio.create_task(self._heartbeat(), name="gateway-hb"))

    async def reconnect(self) -> None:
        """A new WebSocket to the same kernel after a drop; the local sockets (and clients) stay as they are.

        What clients sent while the WebSocket was down is lost, as on any dropped kernel connection.
        """
        ws = await self._open_ws()
        if self.closing:
            ws.close()
            return
        self.ws = ws
        self.tasks.append(asyncio.create_task(self._from_gateway(ws), name="gateway-ws-reader"))

    async def _open_ws(self) -> WebSocketClientConnection:
        request = HTTPRequest(
            self.ws_url,
            headers=self.headers,
            connect_timeout=self.connect_timeout,
            request_timeout=self.connect_timeout,
        )
        try:
            ws = await websocket_connect(
                request,
                subprotocols=[WS_PROTOCOL],
                ping_interval=PING_INTERVAL_S,
                max_message_size=MAX_MESSAGE_BYTES,
            )
        except HTTPClientError as exc:
            if exc.code in (401, 403):
                raise GatewayError(
                    f"The gateway refused the kernel connection (HTTP {exc.code}): check the token."
                ) from exc
            raise GatewayError(f"Cannot connect to the kernel through the gateway: {exc}.") from exc
        except OSError as exc:
            raise GatewayError(f"Cannot connect to the kernel through the gateway: {exc}.") from exc
        if ws.selected_subprotocol != WS_PROTOCOL:
            ws.close()
            raise GatewayError(
                "The gateway does not speak the v1 kernel WebSocket protocol "
                "(Jupyter Server 2, Kernel Gateway 3 or Enterprise Gateway 3 is needed)."
            )
        return ws

    def _bind(self) -> None:
        self.ctx = zmq.asyncio.Context()
        kinds = {"shell": zmq.ROUTER, "control": zmq.ROUTER, "stdin": zmq.ROUTER, "iopub": zmq.PUB, "hb": zmq.REP}
        for channel, kind in kinds.items():
            sock = self.ctx.socket(kind)
            sock.linger = 0
            if kind == zmq.ROUTER:
                sock.router_handover = 1  # a client reconnecting with its identity takes its route back
            sock.bind(_address(self.info, channel))
            self.sockets[channel] = sock

    async def close(self) -> None:
        """Stop relaying and release the sockets and the WebSocket (idempotent)."""
        self.closing = True
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()
        for task in self.tasks:
            if task is not current:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self.tasks = []
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        for sock in self.sockets.values():
            sock.close(linger=0)
        self.sockets = {}
        if self.ctx is not None:
            self.ctx.term()
            self.ctx = None

    # --- client -> gateway ------------------------------------------------------------------
    async def _from_clients(self, channel: str) -> None:
        sock = self.sockets[channel]
        while True:
            frames = await sock.recv_multipart()
            try:
                idents, fed = self.session.feed_identities(frames)
                parts = [p if isinstance(p, bytes) else p.bytes for p in fed]
            except ValueError:
                log.warning("dropped a %s message without a delimiter", channel)
                continue
            if len(parts) < 5 or not self._signed(parts):
                log.warning("dropped an unsigned or short %s message", channel)
                continue
            session_id = _json_field(parts[1]).get("session")
            if isinstance(session_id, str):
                self.routes[channel][session_id] = list(idents)
                if channel == "shell":  # input_request comes back on stdin for the shell request's client
                    self.routes["stdin"].setdefault(session_id, list(idents))
            ws = self.ws
            if ws is None:
                continue
            try:
                await ws.write_message(pack_v1(channel, list(parts[1:])), binary=True)
            except Exception as exc:  # the reader notices the close and reports it
                log.debug("gateway write failed: %s", exc)

    def _signed(self, parts: list[bytes]) -> bool:
        if not self.session.auth:
            return True
        return hmac.compare_digest(parts[0], self.session.sign(parts[1:5]))

    # --- gateway -> clients -----------------------------------------------------------------
    async def _from_gateway(self, ws: WebSocketClientConnection) -> None:
        reason = "the gateway closed the kernel connection"
        dropped = True  # the connection went away (a reconnect may help), not the kernel
        while True:
            frame = await ws.read_message()
            if frame is None:
                if ws.close_reason:
                    reason = f"{reason} ({ws.close_reason})"
                break
            if isinstance(frame, str):
                log.warning("dropped a text frame from the gateway (v1 frames are binary)")
                continue
            try:
                channel, parts = unpack_v1(frame)
            except ValueError as exc:
                log.warning("dropped a malformed gateway frame: %s", exc)
                continue
            if channel == "iopub":
                lost = self._lost_status(parts)
                self._to_clients(channel, [], parts)
                if lost:
                    reason, dropped = lost, False
                    break
            elif channel in ROUTED:
                parent = _json_field(parts[1]).get("session")
                idents = self.routes[channel].get(parent) if isinstance(parent, str) else None
                if idents is None:
                    log.debug("no client for a %s reply (session %r)", channel, parent)
                    continue
                self._to_clients(channel, idents, parts)
        if not self.closing:
            self.on_lost(reason, dropped)

    def _to_clients(self, channel: str, idents: list[bytes], parts: list[bytes]) -> None:
        sock = self.sockets.get(channel)
        if sock is None:
            return
        signature = self.session.sign(parts[:4])
        try:
            sock.send_multipart([*idents, DELIM, signature, *parts], flags=zmq.NOBLOCK)
        except zmq.ZMQError as exc:  # a client gone away (ROUTER) or a full queue: the message is dropped
            log.debug("relay to %s failed: %s", channel, exc)

    @staticmethod
    def _lost_status(parts: list[bytes]) -> str | None:
        """The gateway's own "restarting"/"dead" status: the kernel we talk to is gone."""
        if _json_field(parts[0]).get("msg_type") != "status":
            return None
        state = _json_field(parts[3]).get("execution_state")
        if state == "restarting":
            return "the kernel died on the gateway and the gateway restarted it"
        if state == "dead":
            return "the kernel died on the gateway"
        return None

    async def _heartbeat(self) -> None:
        sock = self.sockets["hb"]
        while True:
            ping = await sock.recv_multipart()
            await sock.send_multipart(ping)
