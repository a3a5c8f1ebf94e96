"""One connection to the user's D-Bus session bus (jeepney), shared by notifications and keep-awake.

jeepney's threading router owns a receiver thread: method replies come back to the caller that waits
for them, and signals a caller subscribed to are handed to its callback on a thread of their own.
Callbacks therefore run off the GUI thread; the shell hops back with its invoker.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MatchRule, Message, new_method_call
from jeepney.io.threading import DBusRouter, open_dbus_connection
from jeepney.wrappers import unwrap_msg

log = logging.getLogger(__name__)

BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
CALL_TIMEOUT = 3.0  # seconds: a service that does not answer by then is treated as absent


class SessionBus:
    """The session bus; raises OSError/ConnectionError at construction when there is none."""

    def __init__(self, address: str | None = None) -> None:
        conn = open_dbus_connection(address or "SESSION")
        self._router = DBusRouter(conn)
        self._conn = conn
        self._subscriptions: list[tuple[Any, queue.Queue[Message | None]]] = []
        self._closed = False

    @staticmethod
    def available() -> bool:
        """Is a session bus address known at all (DBUS_SESSION_BUS_ADDRESS)?"""
        return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))

    def call(self, address: DBusAddress, method: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> Any:
        """Call ``method`` and wait for its reply; raises DBusErrorResponse or TimeoutError."""
        msg = new_method_call(address, method, signature, body)
        reply = self._router.send_and_get_reply(msg, timeout=CALL_TIMEOUT)
        return unwrap_msg(reply)

    def has_owner(self, name: str) -> bool:
        """Is ``name`` (a well-known service) on the bus now?"""
        try:
            (owned,) = self.call(BUS, "NameHasOwner", "s", (name,))
        except Exception as exc:  # a broken bus: nothing is there
            log.debug("NameHasOwner(%s) failed: %s", name, exc)
            return False
        return bool(owned)

    def subscribe(self, rule: MatchRule, callback: Callable[[Message], None]) -> None:
        """Hand every message matching ``rule`` to ``callback`` (on a thread of its own) until close()."""
        self.call(BUS, "AddMatch", "s", (rule.serialise(),))
        pending: queue.Queue[Message | None] = queue.Queue()
        handle = self._router.filter(rule, queue=pending)
        self._subscriptions.append((handle, pending))

        def deliver() -> None:
            while (msg := pending.get()) is not None:
                try:
                    callback(msg)
                except Exception:
                    log.exception("D-Bus signal handler failed")

        threading.Thread(target=deliver, name="reflow-dbus-signals", daemon=True).start()

    def close(self) -> None:
        """Stop the receiver and drop the connection (the bus releases what this connection held)."""
        if self._closed:
            return
        self._closed = True
        for handle, pending in self._subscriptions:
            handle.close()
            pending.put(None)
        self._router.close()
        self._conn.close()
