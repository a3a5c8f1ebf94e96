"""Run-finished notifications and keep-awake for the app's notebook windows.

Each window's session tells a watcher (``Session.watch``) every message it broadcasts; on the server
thread a ``RunSpell`` turns them into "a run started" / "a run ended" (shell/run_spells.py), and only
those two hop to the GUI thread. There:

- a run that took at least the ``notify_after`` setting (seconds; 0 = never) and ended while its
  window is not the active one is announced by an OS notification (desktop_os/notify.py) naming the
  cell, ok or failed, and how long; a click on it raises the window and shows the cell (the page's
  ``goto_cell`` command);
- the OS keep-awake (desktop_os/keep_awake.py) is held while any window's run has lasted
  ``HOLD_AFTER`` seconds -- a slider's 12 ms re-run never touches it -- and released when every
  window is idle, a window closes, or the app ends.
"""

from __future__ import annotations

import html
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from reflow_desktop.desktop_os.keep_awake import KeepAwake, NoKeepAwake, make_keep_awake
from reflow_desktop.desktop_os.notify import NoNotifier, Notice, Notifier, make_notifier
from reflow_desktop.settings import Settings
from reflow_desktop.shell.run_spells import FinishedRun, RunSpell, cell_label, describe_duration
from reflow_desktop.shell.threads import gui_only

if TYPE_CHECKING:
    from reflow_desktop.desktop_os.session_bus import SessionBus
    from reflow_desktop.shell.windows import NotebookWindow

log = logging.getLogger(__name__)

HOLD_AFTER = 1.5  # seconds a run lasts before the machine is kept awake for it
HOLD_REASON = "Running notebook cells"


class AlertHost(Protocol):
    """What the alerts need of the app: its settings and a way onto the GUI thread."""

    @property
    def settings(self) -> Settings: ...

    def invoke(self, fn: Callable[[], object]) -> None: ...


def open_session_bus(platform: str = sys.platform) -> SessionBus | None:
    """The D-Bus session bus on Linux and the BSDs when there is one (None elsewhere or on failure)."""
    if platform in ("win32", "darwin"):
        return None
    try:
        from reflow_desktop.desktop_os.session_bus import SessionBus  # jeepney: installed on Linux

        if not SessionBus.available():
            return None
        return SessionBus()
    except Exception as exc:  # a stale address, a bus that refuses us: no notifications, nothing else lost
        log.warning("no D-Bus session bus: %s", exc)
        return None


class RunAlerts:
    """Owned by the app; create on the GUI thread after QApplication exists.

    The bus is opened (jeepney imported, connected) on a thread of its own, off the launch path;
    until it is there (``ready``), runs are followed but nothing is shown or held.
    """

    def __init__(self, host: AlertHost, platform: str = sys.platform) -> None:
        from qtpy.QtCore import QTimer

        self._host = host
        self._bus: SessionBus | None = None
        self.notifier: Notifier = NoNotifier()
        self.keep_awake: KeepAwake = NoKeepAwake()
        self._markup = False
        self._closed = False
        self.ready = threading.Event()
        self._windows: dict[str, NotebookWindow] = {}  # by session id (GUI thread)
        self._spells: dict[str, RunSpell] = {}  # by session id; fed on the server thread
        self.decisions: list[tuple[str, str]] = []  # (cell id, "notified" | "window active" | "short")
        self._hold_timer = QTimer()
        self._hold_timer.setSingleShot(True)
        self._hold_timer.timeout.connect(self._check_hold)
        threading.Thread(target=self._connect, args=(platform,), name="reflow-os-alerts", daemon=True).start()

    def _connect(self, platform: str) -> None:  # its own thread: the slow part (imports, the connection)
        bus = open_session_bus(platform)
        self._host.invoke(lambda: self._connected(platform, bus))

    @gui_only
    def _connected(self, platform: str, bus: SessionBus | None) -> None:
        from qtpy.QtWidgets import QApplication

        if self._closed:  # the app ended first
            if bus is not None:
                bus.close()
            return
        self._bus = bus
        self.notifier = make_notifier(platform, bus, QApplication.windowIcon())
        self.keep_awake = make_keep_awake(platform, bus)
        self._markup = self.notifier.kind == "freedesktop" and _body_markup(bus)
        log.info("run alerts: notifications via %s, keep-awake via %s", self.notifier.kind, self.keep_awake.kind)
        self.ready.set()
        self._check_hold()

    # --- windows ---------------------------------------------------------------------
    @gui_only
    def watch(self, win: NotebookWindow) -> None:
        """Follow ``win``'s runs until it closes."""
        sid = win.session.id
        spell = RunSpell()
        self._windows[sid] = win
        self._spells[sid] = spell
        host = self._host

        def listener(msg: dict[str, Any]) -> None:  # server thread: every message the session broadcasts
            started, finished = spell.feed(msg)
            if started:
                host.invoke(self._check_hold)
            if finished is not None:
                label = self._label(win, finished.cell_id)
                host.invoke(lambda: self._finished(sid, finished, label))

        win.session.watch(listener)
        if win.window is not None:
            win.window.events.closed += lambda: host.invoke(lambda: self._forget(sid))

    @staticmethod
    def _label(win: NotebookWindow, cell_id: str) -> str:
        """The cell's number and first line (server thread: the session's document is read there)."""
        for index, cell in enumerate(win.session.notebook.cells):
            if cell.id == cell_id:
                return cell_label(index, cell.source)
        return "a deleted cell"

    @gui_only
    def _forget(self, sid: str) -> None:
        self._windows.pop(sid, None)
        self._spells.pop(sid, None)
        self._check_hold()

    # --- a run ended -------------------------------------------------------------------
    @gui_only
    def _finished(self, sid: str, run: FinishedRun, label: str) -> None:
        self._check_hold()
        win = self._windows.get(sid)
        if win is None or win.native is None:
            return
        threshold = self._host.settings.notify_after
        if threshold <= 0 or run.seconds < threshold:
            self._decided(run, "short")
        elif win.native.isActiveWindow():  # the user is looking at it
            self._decided(run, "window active")
        else:
            notice = notice_for(win.path.name, run, label, markup=self._markup)
            self.notifier.show(notice, lambda: self._host.invoke(lambda: self.show_cell(sid, run)))
            self._decided(run, "notified")

    def _decided(self, run: FinishedRun, what: str) -> None:
        """Each finished run's outcome, in order (the log; tests wait on it)."""
        self.decisions.append((run.cell_id, what))
        log.debug("run of %s ended after %.1f s: %s", run.cell_id, run.seconds, what)

    @gui_only
    def show_cell(self, sid: str, run: FinishedRun) -> None:
        """The notification was clicked: the window comes to the front and the page shows the cell."""
        win = self._windows.get(sid)
        if win is None or win.native is None:
            return
        native = win.native
        if native.isMinimized():
            native.showNormal()
        native.raise_()
        native.activateWindow()
        cell = run.cell_id
        fallback = f"document.getElementById({_js_string('cell-' + cell)})?.scrollIntoView({{block: 'center'}})"
        win.page_command("goto_cell", fallback=lambda: win.run_js(fallback), id=cell)

    # --- keep-awake --------------------------------------------------------------------
    @gui_only
    def _check_hold(self) -> None:
        """Hold once a run has lasted HOLD_AFTER seconds, release when none runs; re-check in between."""
        starts = [s.started_at for s in list(self._spells.values()) if s.started_at is not None]
        if not starts or self._host.settings.keep_awake == "off":
            self._hold_timer.stop()
            self.keep_awake.release()
            return
        waited = time.monotonic() - min(starts)
        if waited >= HOLD_AFTER:
            self.keep_awake.hold(HOLD_REASON)
        elif not self._hold_timer.isActive():
            self._hold_timer.start(int((HOLD_AFTER - waited) * 1000) + 1)

    @gui_only
    def close(self) -> None:
        """The app ends: let go of the keep-awake and the bus."""
        self._closed = True
        self._hold_timer.stop()
        self.keep_awake.release()
        self.notifier.close()
        if self._bus is not None:
            self._bus.close()


def notice_for(notebook: str, run: FinishedRun, label: str, *, markup: bool) -> Notice:
    """What the notification says: the notebook, ok or failed, how long; the cell (escaped for markup)."""
    took = describe_duration(run.seconds)
    title = f"{notebook}: run finished in {took}" if run.ok else f"{notebook}: run failed after {took}"
    more = run.cells - 1
    body = label + (f" (and {more} more cell{'s' if more > 1 else ''})" if more > 0 else "")
    if not run.ok:
        body = "Failed in " + body
    return Notice(title, html.escape(body, quote=False) if markup else body)


def _body_markup(bus: SessionBus | None) -> bool:
    """Does the notification service read markup in the body (then ``<`` must be escaped)?"""
    from jeepney import DBusAddress

    from reflow_desktop.desktop_os.notify import PATH, SERVICE

    if bus is None:
        return False
    try:
        (caps,) = bus.call(DBusAddress(PATH, SERVICE, SERVICE), "GetCapabilities")
    except Exception:
        return False
    return "body-markup" in caps


def _js_string(text: str) -> str:
    import json

    return json.dumps(text)
