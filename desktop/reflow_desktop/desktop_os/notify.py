"""OS-native notifications with a click action: "cell 3 finished in 42 s" brings its window back.

Linux (and the BSDs): the freedesktop Notifications service over D-Bus (``Notify``, then the
``ActionInvoked`` signal for the click, ``NotificationClosed`` to forget it) -- what GNOME, KDE,
dunst, mako... implement. Windows and macOS: Qt's ``QSystemTrayIcon.showMessage`` and its
``messageClicked`` signal (a Windows toast / macOS notification from the app's tray icon), also the
fallback on a Linux desktop with a tray but no notification service. ``notifier_kind`` is the choice,
a pure function; ``make_notifier`` builds it.

``on_click`` callbacks may run on any thread (D-Bus signals arrive on jeepney's): the caller hops
to its GUI thread itself.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from jeepney import Message

    from reflow_desktop.desktop_os.session_bus import SessionBus

log = logging.getLogger(__name__)

NotifierKind = Literal["freedesktop", "tray", "none"]
SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
APP_NAME = "Reflow"
ACTIVATION_TOKEN = "XDG_ACTIVATION_TOKEN"  # read by Qt's Wayland plugin when a window asks to be activated
DESKTOP_ENTRY = "reflow"  # installers' reflow.desktop: the notification gets the app's icon and name


@dataclass(frozen=True)
class Notice:
    """What one notification says."""

    title: str
    body: str


class Notifier(Protocol):
    """Show a notice; ``on_click`` runs (any thread) when the user clicks it."""

    kind: NotifierKind

    def show(self, notice: Notice, on_click: Callable[[], None]) -> None: ...

    def close(self) -> None: ...


def notifier_kind(platform: str, *, notification_service: bool, tray_available: bool) -> NotifierKind:
    """Which notifier fits: the freedesktop service where there is one, else the tray icon's balloon."""
    if platform not in ("win32", "darwin") and notification_service:
        return "freedesktop"
    if tray_available:
        return "tray"
    return "none"


class FreedesktopNotifier:
    """org.freedesktop.Notifications on the session bus; a click is its ``default`` action."""

    kind: NotifierKind = "freedesktop"

    def __init__(self, bus: SessionBus) -> None:
        from jeepney import DBusAddress, MatchRule

        self._bus = bus
        self._address = DBusAddress(PATH, SERVICE, SERVICE)
        self._clicks: dict[int, Callable[[], None]] = {}
        self._tokens: dict[int, str] = {}  # ActivationToken per notification, until its ActionInvoked
        self._lock = threading.Lock()
        # Notify waits for the service's answer: off the caller's (GUI) thread, one at a time, in order
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="reflow-notify")
        # one subscription, so ActionInvoked and the NotificationClosed after it are handled in the bus's order
        bus.subscribe(MatchRule(type="signal", interface=SERVICE, path=PATH), self._on_signal)

    def show(self, notice: Notice, on_click: Callable[[], None]) -> None:
        self._worker.submit(self._notify, notice, on_click)

    def _notify(self, notice: Notice, on_click: Callable[[], None]) -> None:
        hints: dict[str, tuple[str, Any]] = {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", 1)}
        body = (APP_NAME, 0, DESKTOP_ENTRY, notice.title, notice.body, ["default", "Show cell"], hints, -1)
        try:
            # the lock spans the call: an ActionInvoked for this id cannot be looked up before it is stored
            with self._lock:
                (nid,) = self._bus.call(self._address, "Notify", "susssasa{sv}i", body)
                self._clicks[int(nid)] = on_click
        except Exception as exc:  # the service went away or refused: the run itself is fine
            log.warning("notification not shown: %s", exc)

    def _on_signal(self, msg: Message) -> None:
        from jeepney import HeaderFields

        member = msg.header.fields.get(HeaderFields.member)
        if member == "ActivationToken":  # spec 1.2: sent just before ActionInvoked
            nid, token = msg.body
            with self._lock:
                self._tokens[int(nid)] = str(token)
        elif member == "ActionInvoked":
            self._on_action(msg)
        elif member == "NotificationClosed":
            self._on_closed(msg)

    def _on_action(self, msg: Message) -> None:
        nid, action = msg.body
        with self._lock:
            on_click = self._clicks.pop(int(nid), None) if action == "default" else None
            token = self._tokens.pop(int(nid), None)
        if on_click is None:
            return
        if token:  # Wayland: Qt's next window activation presents it (xdg-activation), so focus may move
            os.environ[ACTIVATION_TOKEN] = token
        on_click()

    def _on_closed(self, msg: Message) -> None:
        # ActionInvoked comes first when the click closed it; a notification closed otherwise is forgotten
        with self._lock:
            self._clicks.pop(int(msg.body[0]), None)
            self._tokens.pop(int(msg.body[0]), None)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)


class TrayNotifier:
    """QSystemTrayIcon's message (Windows toast, macOS notification); create and use on the GUI thread.

    Qt says only *that* the message was clicked, so the click goes to the latest notice's callback.
    """

    kind: NotifierKind = "tray"

    def __init__(self, icon: Any) -> None:
        from qtpy.QtWidgets import QApplication, QStyle, QSystemTrayIcon

        if icon is None or icon.isNull():  # no app icon (a checkout without resources): a message needs one
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
        self._tray = QSystemTrayIcon(icon)
        self._tray.setToolTip(APP_NAME)
        self._last: Callable[[], None] | None = None
        self._tray.messageClicked.connect(self._clicked)
        self._tray.show()  # a message needs a visible icon

    @property
    def tray(self) -> Any:
        """The Qt tray icon (its ``messageClicked`` is the click)."""
        return self._tray

    def show(self, notice: Notice, on_click: Callable[[], None]) -> None:
        from qtpy.QtWidgets import QSystemTrayIcon

        self._last = on_click
        self._tray.showMessage(notice.title, notice.body, QSystemTrayIcon.MessageIcon.Information, 15_000)

    def _clicked(self) -> None:
        on_click, self._last = self._last, None
        if on_click is not None:
            on_click()

    def close(self) -> None:
        self._tray.hide()


class NoNotifier:
    """Nowhere to show a notice (no service, no tray): the run's end is only in the window."""

    kind: NotifierKind = "none"

    def show(self, notice: Notice, on_click: Callable[[], None]) -> None:
        log.info("no notification service: %s -- %s", notice.title, notice.body)

    def close(self) -> None:
        pass


def make_notifier(platform: str, bus: SessionBus | None, icon: Any) -> Notifier:
    """The platform's notifier (GUI thread: the tray variant is a Qt object)."""
    from qtpy.QtWidgets import QSystemTrayIcon

    kind = notifier_kind(
        platform,
        notification_service=bus is not None and bus.has_owner(SERVICE),
        tray_available=QSystemTrayIcon.isSystemTrayAvailable(),
    )
    if kind == "freedesktop" and bus is not None:
        return FreedesktopNotifier(bus)
    if kind == "tray":
        return TrayNotifier(icon)
    return NoNotifier()
