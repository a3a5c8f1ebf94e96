"""A private D-Bus session bus with a listener that plays the desktop's notification and screensaver services.

Imported by tests (desktop/desktop_os, qt/test_run_alerts.py): ``private_bus(base)`` starts
``dbus-daemon --session`` and this file as the listener, stops both by PID. Run as a script
(``python os_bus.py``, DBUS_SESSION_BUS_ADDRESS set), it is the listener: it owns
org.freedesktop.Notifications and org.freedesktop.ScreenSaver, answers their methods the way
notification daemons and screensavers do, records every call, and on its test interface
(org.reflow.TestListener: ``Calls`` -> JSON, ``Click(id)``) reports the calls and emits
``ActivationToken``, ``ActionInvoked(id, "default")`` and ``NotificationClosed(id, 2)``, as a click does.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
SCREENSAVER = "org.freedesktop.ScreenSaver"
SCREENSAVER_PATH = "/org/freedesktop/ScreenSaver"
TEST_IFACE = "org.reflow.TestListener"
TEST_PATH = "/org/reflow/TestListener"
WAIT = 30.0  # seconds: a hang guard for daemons that start in well under one


@dataclass
class Listener:
    """The running bus and listener, and a client for the listener's test interface."""

    address: str
    owns: tuple[str, ...]

    @property
    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def _call(self, method: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(self.address) as conn:
            target = DBusAddress(TEST_PATH, self.owns[0], TEST_IFACE)
            reply = conn.send_and_get_reply(new_method_call(target, method, signature, body), timeout=WAIT)
        return reply.body

    def calls(self, member: str | None = None) -> list[dict[str, Any]]:
        """Every call the listener answered so far (``member``: only those), oldest first."""
        (text,) = self._call("Calls")
        every: list[dict[str, Any]] = json.loads(text)
        return [c for c in every if member is None or c["member"] == member]

    def wait_calls(self, member: str, count: int = 1) -> list[dict[str, Any]]:
        """Wait until ``member`` was called ``count`` times (polls the listener; a hang guard of WAIT)."""
        deadline = time.monotonic() + WAIT
        while len(found := self.calls(member)) < count:
            assert time.monotonic() < deadline, f"{member} was not called {count} time(s): {self.calls()}"
            time.sleep(0.05)
        return found

    def click(self, notification_id: int) -> None:
        """What a click on the notification does: ActivationToken, ActionInvoked(id, "default"), NotificationClosed."""
        self._call("Click", "u", (notification_id,))


@contextlib.contextmanager
def private_bus(base: Path, owns: tuple[str, ...] = (NOTIFICATIONS, SCREENSAVER)) -> Iterator[Listener]:
    """A session bus of its own and the listener owning ``owns``; both stopped by PID on exit."""
    import pytest

    if shutil.which("dbus-daemon") is None:
        pytest.skip("no dbus-daemon (./dev setup installs dbus-x11)")
    base.mkdir(parents=True, exist_ok=True)
    from helpers import start_session_bus, stop_by_pid  # here: the listener script itself stays light

    procs: list[subprocess.Popen[bytes]] = []
    try:
        address = start_session_bus(procs, cwd=base)
        listener = subprocess.Popen(
            [sys.executable, __file__, *owns],
            stdout=subprocess.PIPE,
            env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": address},
        )
        procs.append(listener)
        assert listener.stdout is not None
        assert listener.stdout.readline().strip() == b"ready", "the listener did not take its names"
        yield Listener(address, owns)
    finally:
        stop_by_pid(procs)


# --- the listener (run as a script) -----------------------------------------------------------


def _serve(owns: list[str]) -> None:
    from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection("SESSION")
    for name in owns:
        (result,) = conn.send_and_get_reply(message_bus.RequestName(name, 4)).body  # 4: do not queue
        assert result == 1, f"could not own {name}"
    print("ready", flush=True)
    calls: list[dict[str, Any]] = []
    notification_ids = itertools.count(1)
    cookies = itertools.count(7001)
    notifications = DBusAddress(NOTIFICATIONS_PATH, interface=NOTIFICATIONS)

    def closed(nid: int, reason: int) -> None:
        conn.send(new_signal(notifications, "NotificationClosed", "uu", (nid, reason)))

    while True:
        msg = conn.receive()
        if msg.header.message_type is not MessageType.method_call:
            continue
        fields = msg.header.fields
        iface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
        if iface == TEST_IFACE:
            if member == "Calls":
                conn.send(new_method_return(msg, "s", (json.dumps(calls),)))
            elif member == "Click":
                (nid,) = msg.body
                conn.send(new_method_return(msg))
                conn.send(new_signal(notifications, "ActivationToken", "us", (nid, f"reflow-test-token-{nid}")))
                conn.send(new_signal(notifications, "ActionInvoked", "us", (nid, "default")))
                closed(nid, 2)  # 2: dismissed by the user
            continue
        record: dict[str, Any] = {"interface": iface, "member": member, "args": list(msg.body)}
        if iface == NOTIFICATIONS and member == "Notify":
            record["id"] = next(notification_ids)
            conn.send(new_method_return(msg, "u", (record["id"],)))
        elif iface == NOTIFICATIONS and member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["actions", "body"],)))
        elif iface == NOTIFICATIONS and member == "CloseNotification":
            conn.send(new_method_return(msg))
            closed(msg.body[0], 3)  # 3: closed by CloseNotification
        elif iface == SCREENSAVER and member == "Inhibit":
            record["cookie"] = next(cookies)
            conn.send(new_method_return(msg, "u", (record["cookie"],)))
        elif iface == SCREENSAVER and member == "UnInhibit":
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {iface}.{member}",)))
            continue
        calls.append(record)


if __name__ == "__main__":
    _serve(sys.argv[1:])
