"""Pop-out windows (issue 20 item 6): one cell's output in a top-level window of its own.

The window shows the UI's pop-out page mode (``?view=cell&cell=ID``, ui/src/popout/): one more page
on the notebook's session, over the same local server with the same launch token, so it stays live
both ways (a slider moved there re-runs its readers in the notebook window, and the other way).
It has an "Always on Top" toggle (``Qt.WindowStaysOnTopHint``), takes its title from the page
("nb.py — cell 3", kept current when cells move), remembers nothing, and closes with its notebook
window. The page asks for one with ``POST /s/SESSION/pop-out`` (server/popout.py checks what it sends);
``serve_popouts`` makes the server hand those requests to this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from qtpy.QtCore import Qt, QUrl
from qtpy.QtGui import QAction
from qtpy.QtWebEngineWidgets import QWebEngineView
from qtpy.QtWidgets import QMainWindow, QWidget

from reflow_desktop.server.popout import MIN_SIZE, PopoutRequest, popout_url

TOOLBAR_ROOM = 40  # the toolbar above the page, added to the height the page asked for


class _Server(Protocol):
    def url(self, session_id: str | None = None) -> str: ...


class _Notebook(Protocol):
    @property
    def path(self) -> Path: ...


class PopoutHost(Protocol):
    """What pop-outs need of the app: its notebook windows, its server, and the GUI thread."""

    @property
    def windows(self) -> Mapping[str, _Notebook]: ...

    @property
    def server_thread(self) -> Any: ...

    def invoke(self, fn: Callable[[], object]) -> None: ...


class PopoutWindow(QMainWindow):
    """A top-level window with the pop-out page and an "Always on Top" toggle in its toolbar."""

    def __init__(self, url: str, title: str, request: PopoutRequest) -> None:
        super().__init__(None)  # no parent: a window of its own (another monitor, its own taskbar entry)
        self.setObjectName("reflow-popout")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.cell = request.cell
        self.view = QWebEngineView(self)
        self.view.titleChanged.connect(self._page_title)
        self.setCentralWidget(self.view)
        bar = self.addToolBar("Pop-out")
        bar.setObjectName("popout-toolbar")
        bar.setMovable(False)
        self.on_top = QAction("Always on Top", self)
        self.on_top.setObjectName("always-on-top")
        self.on_top.setCheckable(True)
        self.on_top.setToolTip("Keep this window above other windows")
        self.on_top.toggled.connect(self.set_always_on_top)
        bar.addAction(self.on_top)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(request.width, request.height + TOOLBAR_ROOM)
        self.view.load(QUrl(url))

    def _page_title(self, title: str) -> None:
        if " — " in title:  # the page's own title ("nb.py — cell 3"), not the address Qt shows before it
            self.setWindowTitle(title)

    def always_on_top(self) -> bool:
        return bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)

    def set_always_on_top(self, on: bool) -> None:
        """Set or clear the stays-on-top hint; Qt hides a window whose flags change, so show it again."""
        if on == self.always_on_top():
            return
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        self.show()
        if self.on_top.isChecked() != on:
            self.on_top.setChecked(on)


_open: dict[str, list[PopoutWindow]] = {}  # by session id: closed with their notebook window


def popouts(session_id: str) -> list[PopoutWindow]:
    """The session's pop-out windows that are open."""
    return list(_open.get(session_id, []))


def open_popout(server: _Server, session_id: str, notebook: str, request: PopoutRequest) -> PopoutWindow:
    """Open (GUI thread) a pop-out window on the session for the requested output."""
    win = PopoutWindow(popout_url(server.url(session_id), request), f"{notebook} — cell", request)
    _open.setdefault(session_id, []).append(win)
    win.destroyed.connect(lambda _obj=None: _forget(session_id, win))
    win.show()
    win.raise_()
    win.activateWindow()
    return win


def _forget(session_id: str, win: QWidget) -> None:
    wins = _open.get(session_id, [])
    if win in wins:
        wins.remove(win)
    if not wins:
        _open.pop(session_id, None)


def close_popouts(session_id: str) -> int:
    """Close (GUI thread) every pop-out window of the session; how many there were."""
    wins = _open.pop(session_id, [])
    for win in wins:
        win.close()
    return len(wins)


def serve_popouts(app: PopoutHost) -> None:
    """Let the page's pop-out requests (server thread) open windows here (GUI thread)."""

    def native(session_id: str, request: PopoutRequest) -> bool:
        win = app.windows.get(session_id)
        if win is None:
            return False  # no window of this app shows that session: the page opens a browser window
        server: _Server = app.server_thread.server
        name = win.path.name
        app.invoke(lambda: open_popout(server, session_id, name, request))
        return True

    app.server_thread.server.native_popout = native
