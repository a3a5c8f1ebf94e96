"""Help ▸ API Reference & Examples: the app's ``/docs`` page (reference built from the
docstrings, example gallery) in a window of its own. A plain web view: the page has no
script and needs no bridge; the token in its address never leaves the app."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote


class _Server(Protocol):
    @property
    def port(self) -> int: ...

    @property
    def token(self) -> str: ...


_windows: list[Any] = []  # the one docs window: closing hides it, Help shows it again


def docs_url(server: _Server) -> str:
    return f"http://127.0.0.1:{server.port}/docs?token={quote(server.token)}"


def server_of(app: object) -> _Server | None:
    """The app's local server (``ShellApp.server_thread.server``), if it is running."""
    server: _Server | None = getattr(getattr(app, "server_thread", None), "server", None)
    return server


def show_docs(app: object) -> Any:
    """Open (or raise) the docs window; None when there is no server to ask."""
    server = server_of(app)
    if server is None:
        return None
    if _windows:
        view = _windows[0]
        view.show()
        view.raise_()
        view.activateWindow()
        return view
    from qtpy.QtCore import QUrl
    from qtpy.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView()
    view.setObjectName("Reflow Docs")
    view.setWindowTitle("Reflow — API Reference & Examples")
    view.resize(960, 820)
    view.load(QUrl(docs_url(server)))
    _windows.append(view)
    view.show()
    return view
