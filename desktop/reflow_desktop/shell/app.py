"""The desktop app: QApplication + pywebview (gui="qt") + the local server thread.

``ShellApp.run(paths)`` is the whole lifetime: forward to a running instance if
there is one, else start the server on its asyncio thread, open one window per
notebook (or the welcome window), run the Qt loop, and on exit stop every
session (pending edits saved, kernels shut down; a window closed with "keep running" leaves its
kernel running, reattached on the next open). A killed app takes its idle kernels with it: each
watches the app's pid (reflow.kernel.background; tests/qt/test_shell_app.py, killed app); a kernel
running cells goes on and is offered for reattaching on the next open (session/reattach.py).

Qt, pywebview and the modules that import them (menus, windows, instance) are imported
inside methods: ``prepare_environment`` must set Qt's variables first, and a second
launch that only forwards its paths to the running app never needs them.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reflow_desktop import recent as recent_mod
from reflow_desktop.recent import RecentList
from reflow_desktop.settings import Settings, load_settings, save_settings
from reflow_desktop.shell import ipc
from reflow_desktop.shell.startup_trace import mark
from reflow_desktop.shell.threads import ServerThread, gui_only, install_qt_thread_trap, make_gui_invoker, on_gui_thread
from reflow_desktop.shell.welcome import copy_example, list_examples, recent_data, render_welcome, untitled_path

if TYPE_CHECKING:
    import webview

    from reflow_desktop.shell.run_alerts import RunAlerts
    from reflow_desktop.shell.windows import NotebookWindow

log = logging.getLogger(__name__)


def prepare_environment() -> None:
    """Qt settings that must exist before QApplication/QtWebEngine start."""
    os.environ.setdefault("QT_API", "pyside6")
    from reflow_desktop.shell.chromium_flags import add_to_environment

    add_to_environment()  # QTWEBENGINE_CHROMIUM_FLAGS: the answer to a key press is not held back (chromium_flags.py)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run its sandbox as root (containers).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class PageApi:
    """``window.pywebview.api`` in notebook pages: settings for the UI's Settings page."""

    def __init__(self, app: ShellApp) -> None:
        self._app = app

    def get_settings(self) -> dict[str, Any]:
        return self._app.settings.to_dict()

    def set_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        self._app.update_settings(**changes)
        return self._app.settings.to_dict()


class WelcomeApi:
    """``window.pywebview.api`` in the welcome page (called on pywebview worker threads)."""

    def __init__(self, app: ShellApp) -> None:
        self._app = app

    def open_path(self, path: str) -> None:
        self._app.invoke(lambda: self._app.open_notebook(path))

    def open_dialog(self) -> None:
        self._app.invoke(self._app.open_dialog)

    def new_notebook(self) -> None:
        self._app.invoke(self._app.new_notebook)

    def open_example(self, name: str) -> None:
        self._app.invoke(lambda: self._app.open_example(name))

    def remove_recent(self, path: str) -> list[dict[str, object]]:
        return recent_data(self._app.recent.remove(path))


class ShellApp:
    def __init__(self) -> None:
        self.data_dir = recent_mod.data_dir()
        self.recent = RecentList()
        self.settings: Settings = load_settings()
        self.server_thread = ServerThread()
        self.windows: dict[str, NotebookWindow] = {}  # by session id
        self.welcome: Any = None  # pywebview Window of the welcome page
        self.page_api = PageApi(self)
        self.instance: Any = None
        self.invoker: Any = None
        self.qapp: Any = None
        self.started_at = time.perf_counter()
        self.on_ready: Callable[[ShellApp], None] | None = None  # tests/benchmarks hook
        self.quitting = False
        self.gui_running = False
        self.run_alerts: RunAlerts | None = None  # run-finished notifications, keep-awake (shell/run_alerts.py)
        self._launch: tuple[list[str], webview.Window | None] = ([], None)  # paths; the first one's early window
        self.exit_code = 0

    # --- lifetime --------------------------------------------------------------------
    def run(self, paths: list[str]) -> int:
        """The app's lifetime. Start-up order (issue 21): the first notebook's window is made blank,
        then the server boots on its thread while Qt shows the window (Chromium starting up); once
        the loop runs, ``_open_launch`` gives the window its session and loads the notebook's page."""
        mark("shell imported")
        name = ipc.server_name(self.data_dir)
        if sys.platform != "win32" and ipc.forward_to_running(name, paths):
            print("reflow: opened in the running Reflow app", file=sys.stderr)
            return 0
        prepare_environment()
        import webview
        from qtpy.QtWidgets import QApplication

        from reflow_desktop.shell.instance import InstanceServer, forward_with_qt

        self.qapp = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "reflow"])
        mark("qapplication")
        self.qapp.setApplicationName("Reflow")
        self.qapp.setApplicationDisplayName("Reflow")
        self.qapp.setDesktopFileName("reflow")  # matches reflow.desktop (taskbar icon, Wayland)
        if sys.platform == "win32" and forward_with_qt(name, paths):
            return 0
        install_qt_thread_trap()
        self.invoker = make_gui_invoker()
        self.instance = InstanceServer(name, lambda ps: self.open_paths(ps))
        if not self.instance.listen() and sys.platform != "win32" and ipc.forward_to_running(name, paths):
            return 0  # lost a start-up race to another instance
        from reflow_desktop.shell.windows import launch_window

        # The first notebook's window comes up now, blank, so that Chromium starts beside the server.
        self._launch = (paths, launch_window(paths[0], self.page_api) if paths else None)
        if not paths:
            self.show_welcome()
        # The server starts here, not sooner: two threads importing at once both go slower (each file
        # read hands the GIL over), so webview.start's own import (QtWebEngine's modules) comes first.
        import webview.platforms.qt

        self.server_thread.begin(before=_clean_stale)
        mark("windows made")
        try:
            webview.start(self._started, gui="qt", private_mode=True)
        finally:
            self.shutdown()
        return self.exit_code

    def _started(self) -> None:  # pywebview worker thread, GUI loop running
        self.gui_running = True
        self.invoke(self._open_launch)  # queued first: windows have their sessions before on_ready runs
        on_ready = self.on_ready
        if on_ready is not None:
            self.invoke(lambda: on_ready(self))

    @gui_only
    def _open_launch(self) -> None:
        """The loop runs and the launch's windows exist: wait for the server, then open each notebook in its window."""
        (paths, window), self._launch = self._launch, ([], None)
        try:
            self.server_thread.wait_started(30)
        except Exception as exc:  # nothing can open without it: say why, then end
            self.error("Reflow could not start", f"Its local server did not start: {exc}")
            self.exit_code = 1
            self.quit()
            return
        self.server_thread.server.native_export = self._native_export
        from reflow_desktop.shell.popout import serve_popouts

        serve_popouts(self)  # the page's "pop out" (POST /s/ID/pop-out) opens a window of its own
        opened = [self.open_notebook(p, window=window if i == 0 else None) for i, p in enumerate(paths)]
        if not self.windows and self.welcome is None:  # every path failed to open
            self.show_welcome()
        if window is not None and (opened[0] is None or opened[0].window is not window):
            native: Any = window.native  # failed (the user was told why), or that notebook was open already
            if native is not None:
                native.close()
        self._after_launch()

    @gui_only
    def _after_launch(self) -> None:
        """What the first page does not wait for: the app icon (Qt's SVG plugin) and run alerts."""
        from reflow_desktop.resources import icon_path  # checkout, wheel or frozen app

        if (icon := icon_path()) is not None:
            from qtpy.QtGui import QIcon

            self.qapp.setWindowIcon(QIcon(str(icon)))  # windows already open take it too
        from reflow_desktop.shell.run_alerts import RunAlerts

        self.run_alerts = RunAlerts(self)
        for win in self.windows.values():
            self.run_alerts.watch(win)

    def shutdown(self) -> None:
        """After the Qt loop: stop sessions (saves pending edits, shuts kernels down)."""
        if self.instance is not None:
            self.instance.close()
        if self.run_alerts is not None:
            self.run_alerts.close()  # the keep-awake is let go before the kernels stop
        self.server_thread.stop()

    def _native_export(self, session_id: str, fmt: str) -> bool:
        """The page's Export button (server thread): the window asks where, on the GUI thread."""
        win = self.windows.get(session_id)
        if win is None or fmt not in ("html", "ipynb", "pdf"):
            return False
        self.invoke(lambda: win.export(fmt))
        return True

    def invoke(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the GUI thread (from any thread); what it returns is dropped."""
        self.invoker.call(fn)

    @gui_only
    def quit(self) -> None:
        """Close every window; pywebview ends the loop when the last one is gone.

        Unsaved work: the session autosaves about 1 s after each edit and saves
        what is pending when it closes, so nothing is asked here yet.
        """
        import webview

        self.quitting = True
        for w in list(webview.windows):
            native: Any = w.native  # the Qt window (typed as the toolkit-neutral base by pywebview)
            if native is not None:
                native.close()

    # --- notebooks ---------------------------------------------------------------------
    @gui_only
    def open_paths(self, paths: list[str]) -> None:
        if not paths:
            if self.windows:
                native = next(iter(self.windows.values())).native
                if native is not None:
                    native.activateWindow()
            else:
                self.show_welcome()
            return
        for p in paths:
            self.open_notebook(p)

    def find_window(self, path: str | Path) -> NotebookWindow | None:
        target = Path(path).expanduser().resolve()
        for w in self.windows.values():
            if w.path == target:
                return w
        return None

    @gui_only
    def open_notebook(self, path: str | Path, window: webview.Window | None = None) -> NotebookWindow | None:
        """Open (or bring forward) the window for ``path``; None if it cannot be opened.

        ``window``: the launch's blank window for it (``launch_window``), to take over.
        """
        from reflow_desktop.importing.on_open import reflow_notebook_for
        from reflow_desktop.session import Session
        from reflow_desktop.shell.windows import NotebookWindow

        try:
            opened = reflow_notebook_for(Path(path).expanduser())
        except Exception as exc:
            self.error(f"Cannot import {Path(path).name}", str(exc))
            return None
        path = opened.path
        existing = self.find_window(path)
        if existing is not None:
            if existing.native is not None:
                existing.native.raise_()
                existing.native.activateWindow()
            return existing
        target = Path(path).expanduser().resolve()
        server = self.server_thread.server

        def make() -> Session:
            s = Session(target, **server.session_defaults)
            server.add_session(s)
            return s

        try:
            if not target.parent.is_dir():
                raise FileNotFoundError(f"no such folder: {target.parent}")
            self.server_thread.wait_started(30)
            session = self.server_thread.call(make).result(30)
            mark("session made")
        except Exception as exc:
            self.error(f"Cannot open {target.name}", str(exc))
            return None
        for notice in opened.notices:
            session.startup_notices.append(notice)
        win = NotebookWindow(self, session)
        self.windows[session.id] = win
        self.recent.add(target)
        # The page and the kernel come up in parallel: the UI shows "starting".
        fut = self.server_thread.submit(self.server_thread.start_session(session))
        fut.add_done_callback(_log_start_failure)
        win.create(window)
        if self.run_alerts is not None:
            self.run_alerts.watch(win)
        if self.welcome is not None:
            self.invoke(self.close_welcome)
        return win

    def window_closed(self, win: NotebookWindow) -> None:
        """Any thread: the window is gone, so shut its kernel down now."""
        self.windows.pop(win.session.id, None)
        server = self.server_thread.server

        async def close() -> None:
            session = server.sessions.pop(win.session.id, None)
            if session is not None:  # kept: the kernel runs on and is reattached on the next open
                await session.close(keep_running=win.keep_running)

        try:
            self.server_thread.submit(close())
        except RuntimeError:  # loop already stopped at exit; shutdown() closes the rest
            pass

    @gui_only
    def open_dialog(self) -> None:
        from qtpy.QtWidgets import QFileDialog

        start = str(Path(self.recent.paths()[0]).parent) if self.recent.paths() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(None, "Open Notebook", start, "Python notebooks (*.py);;All files (*)")
        if path:
            self.open_notebook(path)

    @gui_only
    def new_notebook(self) -> NotebookWindow | None:
        # the session writes a path not there yet as a new notebook: one way for New and `reflow new.py`
        return self.open_notebook(untitled_path(self.data_dir / "notebooks"))

    @gui_only
    def open_example(self, name: str) -> NotebookWindow | None:
        for ex in list_examples():
            if ex.name == name:
                return self.open_notebook(copy_example(ex.path, self.data_dir / "examples"))
        return None

    # --- welcome ------------------------------------------------------------------------
    @gui_only
    def show_welcome(self) -> Any:
        import webview

        from reflow_desktop.shell.menus import install_welcome_menus
        from reflow_desktop.shell.windows import realize

        if self.welcome is not None and self.welcome.native is not None:
            self.welcome.native.raise_()
            self.welcome.native.activateWindow()
            return self.welcome
        page = render_welcome(self.recent.entries(), list_examples(), self.settings.theme)
        w = webview.create_window(
            "Welcome to Reflow", html=page, js_api=WelcomeApi(self), width=860, height=560, min_size=(520, 360)
        )
        assert w is not None  # create_window returns None only when asked to reuse a window
        w.events.before_show += lambda window: install_welcome_menus(window.native, self)
        w.events.closed += self._welcome_closed
        self.welcome = w
        realize(w)
        return w

    def _welcome_closed(self) -> None:
        self.welcome = None

    @gui_only
    def close_welcome(self) -> None:
        w = self.welcome
        if w is not None and w.native is not None:
            w.native.close()

    # --- settings & misc ----------------------------------------------------------------
    def update_settings(self, **changes: Any) -> None:
        self.settings = self.settings.updated(**changes)
        try:
            save_settings(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)

    @gui_only
    def set_theme(self, theme: str) -> None:
        self.update_settings(theme=theme)
        for w in self.windows.values():
            w.page_command("set_theme", theme=theme)

    @gui_only
    def about(self) -> None:
        from qtpy.QtWidgets import QMessageBox

        import reflow_desktop

        version = getattr(reflow_desktop, "__version__", "0.1.0")
        QMessageBox.about(
            None, "About Reflow", f"<b>Reflow</b> {version}<br>Reactive Python notebooks that open like an app."
        )

    def error(self, title: str, text: str) -> None:
        log.error("%s: %s", title, text)
        if self.invoker is None or self.qapp is None:
            print(f"reflow: {title}: {text}", file=sys.stderr)
            return
        if not on_gui_thread():  # a dialog made off the GUI thread aborts Qt (GL context)
            self.invoke(lambda: self.error(title, text))
            return
        from qtpy.QtWidgets import QMessageBox

        if self.gui_running:
            QMessageBox.warning(None, title, text)
        else:
            print(f"reflow: {title}: {text}", file=sys.stderr)


def main(paths: list[str]) -> int:
    logging.basicConfig(level=os.environ.get("REFLOW_LOG", "WARNING"))
    return ShellApp().run(paths)


def _clean_stale() -> None:
    """Server thread, before it listens: records of kernels that are gone (their connection files too)."""
    from reflow_desktop.session.reattach import clean_stale

    clean_stale()


def _log_start_failure(fut: concurrent.futures.Future[None]) -> None:
    """A session whose kernel failed to start says so in the log (the page shows it too)."""
    exc = fut.exception()
    mark("kernel started")
    if exc is not None:
        log.error("kernel start failed: %s", exc)
