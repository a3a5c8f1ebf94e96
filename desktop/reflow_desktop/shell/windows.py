"""One pywebview window per notebook: its session, native menus, console dock.

Windows are created on the GUI thread. pywebview only realizes windows created
on non-main threads by itself, so after ``webview.start`` we realize them the
way pywebview does internally (``_initialize`` + ``guilib.create_window``); that
lets us register ``before_show`` first, which runs on the GUI thread with
``window.native`` (a QMainWindow) set — where menus are attached.

A window sees the app through ``WindowHost`` and its session through
``WindowDoor``: it never imports the app that creates it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast

import webview

from reflow_desktop.shell import commands
from reflow_desktop.shell.menus import MenuApp, install_notebook_menus, short_path
from reflow_desktop.shell.popout import close_popouts
from reflow_desktop.shell.startup_trace import mark
from reflow_desktop.shell.threads import ServerThread, gui_only

if TYPE_CHECKING:
    from qtpy.QtGui import QAction
    from qtpy.QtWebEngineCore import QWebEnginePage
    from qtpy.QtWebEngineWidgets import QWebEngineView
    from qtpy.QtWidgets import QMainWindow

    from reflow_desktop.exporting.live import ExportFormat
    from reflow_desktop.session.doors import WindowDoor
    from reflow_desktop.shell.console import ConsoleDock

log = logging.getLogger(__name__)


class WindowHost(MenuApp, Protocol):
    """What a notebook window needs of the app: the server, the GUI thread, and to say it closed."""

    @property
    def server_thread(self) -> ServerThread: ...

    @property
    def page_api(self) -> object: ...

    def invoke(self, fn: Callable[[], object]) -> None: ...

    def window_closed(self, win: NotebookWindow) -> None: ...

    def error(self, title: str, text: str) -> None: ...


def realize(window: webview.Window) -> None:
    """Create the native window now if the GUI loop is already running."""
    # pywebview declares ``guilib = None`` and sets the toolkit module in ``webview.start()``.
    guilib = cast("ModuleType | None", webview.guilib)
    if guilib is None:
        return  # webview.start() will create it
    if not window._initialize(gui=guilib, server=None):
        return
    guilib.create_window(window)


_EXPORT_LABELS: dict[ExportFormat, str] = {
    "html": "Web page (*.html)",
    "ipynb": "Jupyter notebook (*.ipynb)",
    "script": "Python script (*.py)",
}


def export_format(fmt: str) -> ExportFormat:
    """A format name from a menu or the page, checked (ValueError names the known ones)."""
    for known in _EXPORT_LABELS:
        if known == fmt:
            return known
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(_EXPORT_LABELS)}")


# Every notebook window's pywebview options (the launch window becomes one).
_WINDOW_OPTIONS: dict[str, Any] = {"width": 1200, "height": 820, "min_size": (480, 320), "background_color": "#FFFFFF"}


def window_title(path: Path) -> str:
    return f"{path.name} — {short_path(str(path.parent))} — Reflow"


def launch_window(path: str, js_api: object) -> webview.Window:
    """The launch's first notebook window, made before the server listens and shown blank.

    Chromium (its profile, GPU and renderer processes) starts up while the server boots on its
    thread, instead of after it (issue 21); ``NotebookWindow.create`` takes the window over
    and loads the notebook's page into it.
    """
    window = webview.create_window(window_title(Path(path).expanduser().resolve()), js_api=js_api, **_WINDOW_OPTIONS)
    assert window is not None  # create_window returns None only when asked to reuse a window
    window.events.before_show += _start_blank
    return window


def _start_blank(window: webview.Window) -> None:
    """GUI thread: about:blank rather than pywebview's HTML page (a data: URL, whose renderer the
    notebook's page could not reuse), and without pywebview's script injection: that one waits on
    the GUI thread for JavaScript results the page's navigation may drop, and holds the lock the
    notebook page's injection (``window.pywebview.api``) needs. ``_inject_again`` undoes it."""
    from qtpy.QtCore import QUrl

    native: Any = window.native
    view = web_view(native)
    view.page().loadFinished.disconnect(native.on_load_finished)
    view.setUrl(QUrl("about:blank"))


def _inject_again(native: Any) -> None:
    """The notebook's page loaded in the launch window: pywebview's injection for it, and on every load again."""
    native.on_load_finished()
    web_view(native).page().loadFinished.connect(native.on_load_finished)


def web_view(native: QMainWindow) -> QWebEngineView:
    """The page's view: pywebview's Qt window makes it the central widget."""
    return cast("QWebEngineView", native.centralWidget())


class NotebookWindow:
    """The window of one open notebook. Methods run on the GUI thread unless noted."""

    def __init__(self, app: WindowHost, session: WindowDoor) -> None:
        self.app = app
        self.session = session
        self.native: QMainWindow | None = None
        self.actions: dict[str, QAction] = {}
        self.console: ConsoleDock | None = None
        self.created_at = time.perf_counter()
        self.loaded_at: float | None = None
        self.loaded = threading.Event()
        self.closed = threading.Event()
        self.window: webview.Window | None = None
        self.url = ""  # the notebook page's address, once created
        self.page_done = False  # the notebook page (not the launch window's blank one) finished loading
        self._inject_pending = False  # a launch window's: pywebview's injection waits for the notebook page
        self._renavigations = 0  # a launch window's notebook page asked for again (``_page_finished``)
        self.keep_running = False  # closed with "keep running in the background" (close_dialog.py)

    @property
    def path(self) -> Path:
        return self.session.path

    def title(self) -> str:
        return window_title(self.path)

    @gui_only
    def create(self, window: webview.Window | None = None) -> None:
        """Make the window and load the page; or, given the launch window (``launch_window``), take it over."""
        self.url = self.app.server_thread.server.url(self.session.id)
        adopted = window is not None
        if window is None:
            window = webview.create_window(self.title(), self.url, js_api=self.app.page_api, **_WINDOW_OPTIONS)
            assert window is not None  # create_window returns None only when asked to reuse a window
        window.events.loaded += self._on_loaded
        window.events.closing += self._on_closing
        window.events.closed += self._on_closed
        self.window = window
        native: Any = window.native  # typed None by pywebview until shown
        if not adopted:
            window.events.before_show += self._before_show
            realize(window)
        elif native is None:  # not made yet: it will open on the page
            window.events.before_show -= _start_blank
            cast(Any, window).real_url = self.url
            window.events.before_show += self._before_show
        else:
            window.load_url(self.url)  # first: the page loads while the menus are made
            self._inject_pending = True  # not now: the blank page's own load may still be on its way
            self._before_show(window)
            native.setWindowTitle(self.title())  # an imported .ipynb opens as its .py
        mark("page requested")

    # --- pywebview events ------------------------------------------------------------
    @gui_only
    def _before_show(self, window: webview.Window) -> None:
        """GUI thread, native window exists: attach menus."""
        native = cast("QMainWindow", window.native)  # pywebview types it as None until shown
        native.setObjectName("reflow-notebook")
        self.native = native
        web_view(native).loadFinished.connect(self._page_finished)
        self.actions = install_notebook_menus(native, self.app, self)
        from reflow_desktop.shell.drop_data import accept_data_drops

        accept_data_drops(self)  # data files dropped on the window become loader cells

    @gui_only
    def _page_finished(self, ok: bool) -> None:
        """Qt's load signal, before pywebview's ``loaded``: tells the notebook page from a launch window's blank one."""
        view = web_view(cast("QMainWindow", self.native))
        if ok and view.url().scheme() in ("http", "https"):
            self.page_done = True  # the blank one is about:blank
            if self._inject_pending:
                self._inject_pending = False
                _inject_again(self.native)
        elif self._inject_pending and self._renavigations < 3:
            # A launch window whose blank page finished after the notebook's navigation began: that
            # navigation was dropped (seen ~1 in 10 launches: the view named the notebook's address
            # and never loaded it). Ask for the notebook's page again, now that nothing else is loading.
            from qtpy.QtCore import QUrl

            self._renavigations += 1
            view.setUrl(QUrl(self.url))

    def _on_loaded(self) -> None:  # worker thread
        if not self.page_done:
            return  # the launch window's blank page
        mark("page loaded")
        if self.loaded_at is None:
            self.loaded_at = time.perf_counter()
        self.loaded.set()

    @gui_only
    def _on_closing(self) -> bool:
        """Cells running: ask whether they keep running without the window. False keeps the window open."""
        if not self.session.cells_running:
            return True
        from reflow_desktop.shell.close_dialog import ask_keep_running

        choice = ask_keep_running(self.native, self.path.name)
        self.keep_running = choice == "keep"
        return choice != "cancel"

    def _on_closed(self) -> None:  # worker thread
        self.closed.set()
        self.app.invoke(self._drop_console)
        self.app.invoke(lambda: close_popouts(self.session.id))  # its pop-out windows go with it
        self.app.window_closed(self)

    # --- page bridge -----------------------------------------------------------------
    @gui_only
    def run_js(self, script: str, callback: Callable[[object], None] | None = None) -> None:
        """GUI thread only (pywebview's evaluate_js would deadlock here)."""
        if self.native is None:
            return
        page = web_view(self.native).page()
        if callback is None:
            page.runJavaScript(script, 0)
        else:
            page.runJavaScript(script, 0, callback)

    @gui_only
    def page_command(self, command: str, fallback: Callable[[], object] | None = None, **detail: Any) -> None:
        """Tell the UI; if no listener claims it (preventDefault), run ``fallback``."""

        def done(unclaimed: object) -> None:
            if unclaimed is not False and fallback is not None:
                fallback()

        self.run_js(commands.command_js(command, **detail), done)

    @gui_only
    def web_action(self, action: QWebEnginePage.WebAction) -> None:
        if self.native is not None:
            web_view(self.native).page().triggerAction(action)

    @gui_only
    def zoom(self, factor: float | None) -> None:
        if self.native is None:
            return
        view = web_view(self.native)
        view.setZoomFactor(1.0 if factor is None else max(0.3, min(3.0, view.zoomFactor() * factor)))

    # --- menu actions ----------------------------------------------------------------
    def save(self) -> None:
        self.page_command("save", fallback=lambda: self.app.server_thread.call(self.session.save))

    @gui_only
    def save_as(self) -> None:
        from qtpy.QtWidgets import QFileDialog

        target, _ = QFileDialog.getSaveFileName(
            self.native, "Save Notebook As", str(self.path), "Python notebooks (*.py)"
        )
        if target:
            self.save_to(target)

    @gui_only
    def save_to(self, target: str) -> None:
        """Point the session at a new file and write it (the old file stays as it was)."""
        new = Path(target).resolve()
        if new.suffix != ".py":
            new = new.with_suffix(".py")
        self.app.server_thread.submit(self.session.save_as(new)).result(10)  # outputs follow the file
        self.app.recent.add(new)
        if self.native is not None:
            self.native.setWindowTitle(self.title())

    @gui_only
    def export(self, fmt: str) -> None:
        """File ▸ Export: ask where, then write what the window shows (no re-run)."""
        from qtpy.QtWidgets import QFileDialog

        if fmt in ("pdf", "pdf-no-code"):  # printed, not text: shell/printing.py
            from reflow_desktop.shell.printing import ask_export_pdf

            ask_export_pdf(self, include_code=fmt == "pdf")
            return
        from reflow_desktop.exporting.live import FORMATS  # not at import: the launch does not export

        kind = export_format(fmt)
        suffix = FORMATS[kind][0]
        target, _ = QFileDialog.getSaveFileName(
            self.native, f"Export {self.path.name}", str(self.path.with_suffix(suffix)), _EXPORT_LABELS[kind]
        )
        if target:
            self.export_to(fmt, target)

    @gui_only
    def export_to(self, fmt: str, target: str) -> Path | None:
        """Write the export atomically and tell the page where it went; errors are shown, never raised into Qt."""
        from reflow.notebook import atomic_write_text
        from reflow_desktop.exporting.live import export_session

        try:
            kind = export_format(fmt)
            exported = self.app.server_thread.call(lambda: export_session(self.session, kind)).result(60)
            atomic_write_text(Path(target), exported.text)
        except Exception as exc:  # missing UI bundle, unwritable folder, ...
            self.app.error("Export failed", str(exc))
            return None
        # Registered with the server: its /reveal opens this folder for the page's "Show in folder".
        written = self.app.server_thread.server.exported.add(self.session.id, Path(target))
        self.page_command(
            "exported",
            fallback=lambda: self._status(f"Exported to {written}"),  # no page listening (still loading)
            path=str(written),
            folder=str(written.parent),
            format=kind,
        )
        return written

    @gui_only
    def _status(self, text: str) -> None:
        if self.native is not None:
            self.native.statusBar().showMessage(text, 15_000)

    @gui_only
    def print_notebook(self) -> None:
        from reflow_desktop.shell.printing import ask_print

        ask_print(self)

    def format_notebook(self) -> None:
        """Edit ▸ Format Notebook: the page formats (its pending edits first); no page, the session does."""
        self.page_command("format_notebook", fallback=lambda: self._to_session({"type": "format_cells"}))

    def run_all(self) -> None:
        self.page_command("run_all", fallback=lambda: self._to_session({"type": "run_all"}))

    def interrupt(self) -> None:
        # Straight to the kernel: an interrupt must work even if the page is stuck.
        self.app.server_thread.submit(self.session.interrupt())

    def restart(self) -> None:
        self.app.server_thread.submit(self.session.restart())

    def _to_session(self, msg: dict[str, Any]) -> None:
        self.app.server_thread.submit(self.session.handle(msg, lambda _m: None))

    @gui_only
    def close(self) -> None:
        if self.native is not None:
            self.native.close()

    # --- console ---------------------------------------------------------------------
    def connection_file(self) -> str | None:
        return self.session.connection_file()

    def toggle_console(self) -> None:
        self.show_console(self.console is None or not self.console.isVisible())

    @gui_only
    def show_console(self, visible: bool = True) -> ConsoleDock | None:
        if not visible:
            if self.console is not None:
                self.console.hide()
            self._sync_console_action()
            return self.console
        if self.native is None:
            return None  # not shown yet: no window to dock into
        if self.console is None:
            cf = self.connection_file()
            if cf is None:
                from qtpy.QtWidgets import QMessageBox

                QMessageBox.information(self.native, "Console", "The kernel is still starting.")
                self._sync_console_action()
                return None
            from reflow_desktop.shell.console import ConsoleDock

            self.console = ConsoleDock(self.native, cf)
            self.console.visibilityChanged.connect(lambda _v: self._sync_console_action())
        self.console.show()
        self.console.console.setFocus()
        self._sync_console_action()
        return self.console

    @gui_only
    def _sync_console_action(self) -> None:
        action = self.actions.get("console")
        if action is not None:
            action.setChecked(self.console is not None and self.console.isVisible())

    @gui_only
    def _drop_console(self) -> None:
        if self.console is not None:
            self.console.shutdown()
            self.console = None
