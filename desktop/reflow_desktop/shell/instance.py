"""Qt side of single-instance: listen on the local socket, hand received paths to the app.

The protocol and the no-Qt Unix client are in ``ipc.py``. QLocalServer is given
the full socket path from ``ipc.server_name`` so the Python client can reach it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from qtpy.QtNetwork import QLocalServer, QLocalSocket

from reflow_desktop.shell import ipc

log = logging.getLogger(__name__)


class InstanceServer:
    """Owns the QLocalServer; ``on_open(paths)`` runs on the GUI thread for each request."""

    def __init__(self, name: str, on_open: Callable[[list[str]], None]) -> None:
        self.name = name
        self.on_open = on_open
        self.server = QLocalServer()
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Listen; a stale socket left by a crashed app is removed (nobody answers on it)."""
        # Check first: with socket options set, Qt binds in a temp dir and renames over
        # the path, which would silently steal a live instance's socket.
        if sys.platform != "win32" and ipc.is_listening(self.name):
            return False
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        ok = self.server.listen(self.name)
        if not ok:
            log.warning("single-instance socket %s: %s", self.name, self.server.errorString())
        return ok

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        if len(buf) > ipc.MAX_MESSAGE:
            sock.disconnectFromServer()
            return
        self._buffers[sock] = buf
        if b"\n" not in buf:
            return
        line = buf.split(b"\n", 1)[0]
        try:
            paths = ipc.decode_request(line)
        except ValueError as exc:
            log.warning("ignoring bad single-instance request: %s", exc)
            sock.disconnectFromServer()
            return
        sock.write(ipc.REPLY_OK)
        sock.flush()
        sock.disconnectFromServer()
        self.on_open(paths)


def forward_with_qt(name: str, paths: list[str], timeout_ms: int = 2000) -> bool:
    """Windows client (named pipe) via QLocalSocket; blocking, no event loop needed."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(ipc.encode_open(paths))
    sock.waitForBytesWritten(timeout_ms)
    ok = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).strip() == ipc.REPLY_OK.strip()
    sock.disconnectFromServer()
    return ok
