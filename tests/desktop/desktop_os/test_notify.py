"""Notifications: which mechanism each platform gets, and the freedesktop one against a real D-Bus service.

The bus is a private ``dbus-daemon --session``; the service is tests/os_bus.py's listener, which owns
org.freedesktop.Notifications, answers as notification daemons do and emits ``ActionInvoked`` on a click.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from os_bus import NOTIFICATIONS, SCREENSAVER, private_bus  # type: ignore[import-not-found]  # tests/ is on pytest's path

from reflow_desktop.desktop_os.notify import FreedesktopNotifier, Notice, notifier_kind

needs_bus = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop services: Linux and BSDs")


@pytest.mark.parametrize(
    ("platform", "service", "tray", "kind"),
    [
        ("linux", True, True, "freedesktop"),
        ("linux", True, False, "freedesktop"),
        ("linux", False, True, "tray"),  # a tray but no notification daemon
        ("linux", False, False, "none"),
        ("freebsd14", True, False, "freedesktop"),
        ("win32", False, True, "tray"),  # Windows: the tray icon's toast
        ("win32", True, True, "tray"),  # ... even with a D-Bus service around
        ("darwin", False, True, "tray"),
        ("darwin", False, False, "none"),
    ],
)
def test_notifier_kind_per_platform(platform: str, service: bool, tray: bool, kind: str) -> None:
    assert notifier_kind(platform, notification_service=service, tray_available=tray) == kind


@needs_bus
def test_freedesktop_notify_and_a_click_on_it(tmp_path: Path) -> None:
    from reflow_desktop.desktop_os.session_bus import SessionBus

    with private_bus(tmp_path / "bus") as listener:
        bus = SessionBus(listener.address)
        try:
            assert bus.has_owner(NOTIFICATIONS) and not bus.has_owner("org.example.Nobody")
            notifier = FreedesktopNotifier(bus)
            clicked = {"first": threading.Event(), "second": threading.Event()}
            notifier.show(Notice("nb.py: run finished in 12 s", "cell 3: model.fit(x)"), clicked["first"].set)
            notifier.show(Notice("nb.py: run failed after 7 s", "Failed in cell 5: 1/0"), clicked["second"].set)
            first, second = listener.wait_calls("Notify", 2)
            app, replaces, icon, summary, body, actions, hints, timeout = first["args"]
            assert (app, replaces, icon) == ("Reflow", 0, "reflow")
            assert (summary, body) == ("nb.py: run finished in 12 s", "cell 3: model.fit(x)")
            assert actions == ["default", "Show cell"] and timeout == -1
            assert hints["desktop-entry"] == ["s", "reflow"]
            assert second["args"][3] == "nb.py: run failed after 7 s"
            listener.click(second["id"])  # the user clicks the second notification
            assert clicked["second"].wait(30)
            # the service's activation token is where Qt's Wayland plugin looks when the window is raised
            assert os.environ.pop("XDG_ACTIVATION_TOKEN") == f"reflow-test-token-{second['id']}"
            assert not clicked["first"].is_set()  # its own callback, not the other's
            listener.click(first["id"])
            assert clicked["first"].wait(30)
            notifier.close()
        finally:
            bus.close()


@needs_bus
def test_no_session_bus_means_no_freedesktop_notifier(tmp_path: Path) -> None:
    from reflow_desktop.desktop_os.session_bus import SessionBus

    with private_bus(tmp_path / "bus", owns=(SCREENSAVER,)) as listener:  # a desktop without a notification daemon
        bus = SessionBus(listener.address)
        try:
            assert not bus.has_owner(NOTIFICATIONS)
            assert notifier_kind("linux", notification_service=bus.has_owner(NOTIFICATIONS), tray_available=False) == (
                "none"
            )
        finally:
            bus.close()
