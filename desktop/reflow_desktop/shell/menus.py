"""Native menus on a window's QMainWindow (``window.native.menuBar()``).

Every action calls a method of the notebook window (or of the app for File ▸
New/Open/Quit), so what a menu item does is testable by calling that method. The
menus see both through the two small doors below (``MenuApp``, ``MenuWindow``),
not the classes: the app and its windows build menus, menus never import them.
Open Recent is rebuilt each time it opens, so it is never stale.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from qtpy.QtGui import QAction, QActionGroup, QKeySequence
from qtpy.QtWidgets import QMainWindow, QMenu, QMenuBar

from reflow_desktop.recent import RecentList, distinct_labels
from reflow_desktop.settings import Settings
from reflow_desktop.shell.docs_window import show_docs


class MenuApp(Protocol):
    """What the app's menu items do (File ▸ New/Open/Recent/Quit, View ▸ Theme, Help)."""

    @property
    def recent(self) -> RecentList: ...

    @property
    def settings(self) -> Settings: ...

    def open_notebook(self, path: str | Path) -> object: ...

    def new_notebook(self) -> object: ...

    def open_dialog(self) -> None: ...

    def close_welcome(self) -> None: ...

    def quit(self) -> None: ...

    def show_welcome(self) -> object: ...

    def about(self) -> None: ...

    def set_theme(self, theme: str) -> None: ...


class MenuWindow(Protocol):
    """What a notebook window's menu items do."""

    def save(self) -> None: ...

    def save_as(self) -> None: ...

    def export(self, fmt: str) -> None: ...

    def print_notebook(self) -> None: ...

    def format_notebook(self) -> None: ...

    def close(self) -> None: ...

    def page_command(self, command: str, fallback: Callable[[], object] | None = None, **detail: Any) -> None: ...

    def web_action(self, action: Any) -> None: ...

    def toggle_console(self) -> None: ...

    def zoom(self, factor: float | None) -> None: ...

    def run_all(self) -> None: ...

    def interrupt(self) -> None: ...

    def restart(self) -> None: ...


def _act(
    menu: QMenu,
    text: str,
    slot: Callable[[], Any] | None = None,
    shortcut: Any = None,
    *,
    enabled: bool = True,
    checkable: bool = False,
    name: str | None = None,
) -> QAction:
    action = QAction(text, menu)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    action.setEnabled(enabled)
    action.setCheckable(checkable)
    action.setObjectName(name or text)
    menu.addAction(action)
    return action


def _fill_recent(menu: QMenu, app: MenuApp) -> None:
    menu.clear()
    entries = app.recent.entries()[:15]
    for e, name in zip(entries, distinct_labels([e.path for e in entries]), strict=True):
        label = name if e.exists else f"{name} (missing)"
        a = _act(menu, label.replace("&", "&&"), functools.partial(app.open_notebook, e.path), enabled=e.exists)
        a.setToolTip(e.path)
        a.setStatusTip(e.path)
    menu.setToolTipsVisible(True)
    if not entries:
        _act(menu, "No recent notebooks", enabled=False)
    menu.addSeparator()
    _act(menu, "Remove Missing Files", app.recent.remove_missing)
    _act(menu, "Clear Recent", app.recent.clear)


def add_file_menu(bar: QMenuBar, app: MenuApp, nb: MenuWindow | None) -> QMenu:
    m: QMenu = bar.addMenu("&File")
    _act(m, "New Notebook", app.new_notebook, QKeySequence.StandardKey.New)
    _act(m, "Open…", app.open_dialog, QKeySequence.StandardKey.Open)
    recent = m.addMenu("Open Recent")
    recent.setObjectName("Open Recent")
    recent.aboutToShow.connect(lambda: _fill_recent(recent, app))
    _fill_recent(recent, app)
    m.addSeparator()
    _act(m, "Save", nb.save if nb else None, QKeySequence.StandardKey.Save, enabled=nb is not None)
    _act(m, "Save As…", nb.save_as if nb else None, QKeySequence.StandardKey.SaveAs, enabled=nb is not None)
    export = m.addMenu("Export")
    _act(
        export,
        "HTML (self-contained page)…",
        (lambda: nb.export("html")) if nb else None,
        enabled=nb is not None,
        name="Export HTML",
    )
    _act(
        export,
        "Jupyter Notebook (.ipynb)…",
        (lambda: nb.export("ipynb")) if nb else None,
        enabled=nb is not None,
        name="Export ipynb",
    )
    for fmt, text in (("pdf", "PDF…"), ("pdf-no-code", "PDF without Code…")):  # shell/printing.py
        _act(
            export,
            text,
            functools.partial(nb.export, fmt) if nb else None,
            enabled=nb is not None,
            name=f"Export {fmt}",
        )
    _act(m, "Print…", nb.print_notebook if nb else None, QKeySequence.StandardKey.Print, enabled=nb is not None)
    m.addSeparator()
    _act(m, "Close Window", (nb.close if nb else app.close_welcome), QKeySequence.StandardKey.Close)
    _act(m, "Quit Reflow", app.quit, QKeySequence.StandardKey.Quit, name="Quit")
    return m


def add_help_menu(bar: QMenuBar, app: MenuApp, nb: MenuWindow | None) -> QMenu:
    m: QMenu = bar.addMenu("&Help")
    if nb is not None:
        _act(m, "Keyboard Shortcuts", lambda: nb.page_command("show_shortcuts"))
    _act(m, "API Reference && Examples", lambda: show_docs(app), name="API Reference")
    _act(m, "Welcome Window", app.show_welcome)
    _act(m, "About Reflow", app.about)
    return m


def install_notebook_menus(win: QMainWindow, app: MenuApp, nb: MenuWindow) -> dict[str, QAction]:
    """Build File/Edit/View/Kernel/Help; returns actions tests and state updates need."""
    from qtpy.QtWebEngineCore import QWebEnginePage

    bar = win.menuBar()
    bar.clear()
    add_file_menu(bar, app, nb)

    WA = QWebEnginePage.WebAction
    edit = bar.addMenu("&Edit")
    # No shortcuts here: the editor in the page owns Ctrl+Z/C/V; these act on the page.
    for text, action in (
        ("Undo", WA.Undo),
        ("Redo", WA.Redo),
        (None, None),
        ("Cut", WA.Cut),
        ("Copy", WA.Copy),
        ("Paste", WA.Paste),
        ("Select All", WA.SelectAll),
    ):
        if text is None:
            edit.addSeparator()
        else:
            _act(edit, text, functools.partial(nb.web_action, action))
    edit.addSeparator()
    _act(edit, "Format Notebook", nb.format_notebook)  # ruff over every Python cell (docs/formatting.md)
    edit.addSeparator()
    _act(edit, "Settings…", lambda: nb.page_command("open_settings"), QKeySequence.StandardKey.Preferences)

    view = bar.addMenu("&View")
    group = QActionGroup(view)
    code = _act(view, "Code View", lambda: nb.page_command("set_view", view="code"), "Ctrl+1", checkable=True)
    appv = _act(view, "App View", lambda: nb.page_command("set_view", view="app"), "Ctrl+2", checkable=True)
    for a in (code, appv):
        group.addAction(a)
    code.setChecked(True)
    view.addSeparator()
    theme = view.addMenu("Theme")
    tgroup = QActionGroup(theme)
    current = app.settings.theme
    for value in ("system", "light", "dark"):
        a = _act(
            theme, value.capitalize(), functools.partial(app.set_theme, value), checkable=True, name=f"theme-{value}"
        )
        a.setChecked(value == current)
        tgroup.addAction(a)
    view.addSeparator()
    console = _act(view, "Console", nb.toggle_console, "Ctrl+`", checkable=True)
    _act(view, "Pop Out Cell Output", lambda: nb.page_command("pop_out"), name="pop-out")  # shell/popout.py
    view.addSeparator()
    _act(view, "Zoom In", lambda: nb.zoom(1.1), QKeySequence.StandardKey.ZoomIn)
    _act(view, "Zoom Out", lambda: nb.zoom(1 / 1.1), QKeySequence.StandardKey.ZoomOut)
    _act(view, "Actual Size", lambda: nb.zoom(None), "Ctrl+0")

    kernel = bar.addMenu("&Kernel")
    _act(kernel, "Run All Cells", nb.run_all, "Ctrl+Shift+Return")
    _act(kernel, "Interrupt", nb.interrupt, "Ctrl+I")
    _act(kernel, "Restart", nb.restart)

    add_help_menu(bar, app, nb)
    return {"console": console, "code_view": code, "app_view": appv}


def install_welcome_menus(win: QMainWindow, app: MenuApp) -> None:
    bar = win.menuBar()
    bar.clear()
    add_file_menu(bar, app, None)
    add_help_menu(bar, app, None)


def short_path(path: str) -> str:
    """``~/x/nb.py`` for window titles and tooltips."""
    p = Path(path)
    try:
        return "~/" + str(p.relative_to(Path.home()))
    except ValueError:
        return str(p)
