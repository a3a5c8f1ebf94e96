"""Runs the real desktop app in its own process and drives it from a worker thread.

pywebview's Qt loop can only be started once per process and must own the main
thread, so each app scenario runs here, in a subprocess started by the
``test_shell_*`` tests; results go to OUTDIR/result.json, screenshots to the
artifacts dir. Usage: shell_driver.py SCENARIO OUTDIR [notebook ...]
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from reflow_desktop.shell.app import ShellApp
from reflow_desktop.shell.threads import thread_violations

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("REFLOW_TEST_ARTIFACTS", ROOT / "test-artifacts"))


class Driver:
    def __init__(self, app: ShellApp, out: Path) -> None:
        self.app, self.out = app, out
        self.result: dict[str, Any] = {"steps": []}

    def gui(self, fn: Callable[[], Any], timeout: float = 20) -> Any:
        fut: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                fut.set_result(fn())
            except BaseException as exc:
                fut.set_exception(exc)

        self.app.invoke(run)
        return fut.result(timeout)

    def js(self, win: Any, script: str, timeout: float = 10) -> Any:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        self.app.invoke(lambda: win.run_js(script, fut.set_result))
        return fut.result(timeout)

    def wait(self, pred: Callable[[], Any], timeout: float = 30, what: str = "") -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = pred()
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"timed out waiting for {what}")

    def step(self, name: str, **data: Any) -> None:
        self.result["steps"].append(name)
        self.result.update(data)
        self.save()

    _lock = threading.Lock()

    def save(self) -> None:
        # Atomic: the test process polls this file while we write it.
        with self._lock:
            tmp = self.out / "result.json.tmp"
            tmp.write_text(json.dumps(self.result, indent=1, default=str))
            os.replace(tmp, self.out / "result.json")

    def js_native(self, pywin: Any, script: str, timeout: float = 10) -> Any:
        """``script``'s value in a pywebview window's page (the welcome window has no NotebookWindow)."""
        fut: concurrent.futures.Future = concurrent.futures.Future()
        self.app.invoke(lambda: pywin.native.webview.page().runJavaScript(script, 0, fut.set_result))
        return fut.result(timeout)

    def shot(self, pywin: Any, name: str) -> str:
        """A screenshot of the window once the page has drawn two frames since now (DOM changes painted)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        frames = "window.__drawn=0; requestAnimationFrame(() => requestAnimationFrame(() => (window.__drawn=1))); 1"
        self.js_native(pywin, frames)
        self.wait(lambda: self.js_native(pywin, "window.__drawn") == 1, what="two animation frames")
        assert self.gui(lambda: pywin.native.grab().save(str(path)))
        return str(path)


# --- scenarios: each runs on a worker thread once the GUI loop is up -------------------


def scenario_notebook(d: Driver) -> None:
    """Open → UI connected → run a cell from the page → console reads it → close kills kernel."""
    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    d.step(
        "loaded",
        load_s=win.loaded_at - app.started_at,
        menus=d.gui(lambda: [a.text() for a in win.native.menuBar().actions()]),
        title=d.gui(lambda: win.native.windowTitle()),
    )
    d.wait(
        lambda: d.js(win, "document.querySelectorAll('[data-cell-id]').length") > 0,
        what="cells from the WebSocket session",
    )
    d.wait(lambda: "has area 28.27" in d.js(win, "document.body.innerText"), what="restored/auto-run output")
    d.step("session", doc_title=d.js(win, "document.title"))
    # Run a cell through the page: change radius in its editor and press its Run button.
    edit = """(function(){
      const cell=[...document.querySelectorAll('[data-cell-id]')].find(c=>c.innerText.includes('radius = 3.0'));
      if(!cell) return 'no cell';
      const cm=cell.querySelector('.cm-content'); cm.focus();
      const sel=window.getSelection(); sel.selectAllChildren(cm);
      document.execCommand('insertText', false, 'radius = 5.0');
      return cell.querySelector('.cm-content').innerText;})()"""
    d.step("edit", edit=d.js(win, edit))

    def session_code() -> str:
        return app.server_thread.call(lambda: "\n".join(c.source for c in win.session.notebook.cells)).result(10)

    d.wait(lambda: "radius = 5.0" in session_code(), what="the page's edit in the session")
    run = """(function(){
      const cell=[...document.querySelectorAll('[data-cell-id]')].find(c=>c.innerText.includes('radius = 5.0'));
      const b=cell && cell.querySelector('button.run'); if(!b) return 'no run button'; b.click(); return 'ok';})()"""
    d.step("run", run=d.js(win, run))
    d.wait(
        lambda: "radius 5.0 has area 78.54" in d.js(win, "document.body.innerText"),
        what="dependent output after running from the page",
    )
    d.step("ran")
    d.result["recent"] = app.recent.paths()
    # Console dock on the same kernel.
    d.wait(win.connection_file, what="connection file")
    dock = d.gui(lambda: win.show_console(True))
    assert dock is not None
    d.wait(lambda: d.gui(lambda: "In [" in dock.text()), what="console prompt")
    d.gui(lambda: dock.console.execute("print('console sees', radius, area)"))
    d.wait(lambda: d.gui(lambda: "console sees 5.0 78.5" in dock.text()), what="console output")
    # And a direct request on the console's kernel client (shell reply).
    replies: list[dict] = []
    kc = dock.kernel_client
    d.gui(
        lambda: kc.shell_channel.message_received.connect(
            lambda m: m["msg_type"] == "execute_reply" and replies.append(m["content"])
        )
    )
    d.gui(lambda: kc.execute("", silent=True, user_expressions={"r": "radius * 2"}))
    reply = d.wait(lambda: next((r for r in replies if r.get("user_expressions")), None), what="execute_reply")
    d.step(
        "console",
        console_expr=reply["user_expressions"]["r"]["data"]["text/plain"],
        console_checked=d.gui(lambda: win.actions["console"].isChecked()),
    )
    d.result["screenshot"] = d.shot(win.window, "shell-notebook.png")
    # View ▸ Zoom In, then Actual Size: the page's own view (pywebview's ``.webview``) follows.
    zooms = []
    for factor in (1.1, None):
        d.gui(lambda factor=factor: win.zoom(factor))
        zooms.append(d.gui(lambda: win.native.webview.zoomFactor()))
    d.step("zoom", zoom=zooms)
    # File ▸ Export without the save dialog: the same code path the menu action ends in.
    enabled = d.gui(
        lambda: [
            a.isEnabled()
            for a in win.native.menuBar().findChildren(type(win.actions["console"]))
            if a.objectName() in ("Export HTML", "Export ipynb")
        ]
    )
    for fmt in ("html", "ipynb"):
        d.gui(lambda fmt=fmt: win.export_to(fmt, str(d.out / f"export.{fmt}")), timeout=60)
    d.step(
        "export",
        export_enabled=enabled,
        exported={fmt: (d.out / f"export.{fmt}").read_text() for fmt in ("html", "ipynb")},
    )
    pid = win.session.kernel.pid
    d.step("kernel", kernel_pid=pid)
    d.gui(win.close)
    d.wait(win.closed.is_set, what="window closed")
    d.step("closed")  # last window: the app exits by itself


def scenario_welcome(d: Driver) -> None:
    app = d.app
    w = d.wait(lambda: app.welcome and app.welcome.native is not None and app.welcome, what="welcome")
    d.wait(lambda: w.events.loaded.is_set(), what="welcome load")
    d.wait(lambda: d.js_native(w, "document.querySelectorAll('#recent li.entry').length") >= 2, what="recent entries")
    entries = d.js_native(
        w,
        """JSON.stringify([...document.querySelectorAll('#recent li.entry')].map(li=>({
        path: li.dataset.path, missing: li.classList.contains('missing'),
        text: li.innerText})))""",
    )
    examples = d.js_native(w, "[...document.querySelectorAll('#examples li.example')].map(l=>l.innerText).join('|')")
    d.step(
        "listed",
        entries=json.loads(entries),
        examples=examples,
        menus=d.gui(lambda: [a.text() for a in w.native.menuBar().actions()]),
    )
    d.result["screenshot"] = d.shot(w, "shell-welcome.png")
    # Remove the missing one through the page (pywebview js_api round trip).
    d.js_native(w, "document.querySelector('#recent li.missing button.remove').click(), 1")
    d.wait(
        lambda: d.js_native(w, "document.querySelectorAll('#recent li.missing').length") == 0,
        what="missing entry removed",
    )
    d.step("removed", recent_after=app.recent.paths())
    d.gui(app.quit)


def scenario_recent_menu(d: Driver) -> None:
    """File ▸ Open Recent as the user opens it (aboutToShow rebuilds it): labels, tooltips, status tips."""
    from qtpy.QtWidgets import QMenu

    app = d.app
    w = d.wait(lambda: app.welcome and app.welcome.native is not None and app.welcome, what="welcome")
    d.wait(lambda: w.events.loaded.is_set(), what="welcome load")

    def read() -> list[dict[str, Any]]:
        menu = w.native.menuBar().findChild(QMenu, "Open Recent")
        menu.aboutToShow.emit()
        return [
            {"text": a.text(), "tip": a.toolTip(), "status": a.statusTip(), "enabled": a.isEnabled()}
            for a in menu.actions()
            if not a.isSeparator()
        ]

    d.step("recent_menu", items=d.gui(read))
    d.gui(app.quit)


def _answer_save_dialog(d: Driver, target: Path) -> None:
    """Wait for the modal save dialog an export opened, type ``target`` into it and press Save."""
    from qtpy.QtWidgets import QApplication, QFileDialog

    def dialog() -> Any:
        w = QApplication.activeModalWidget()
        return w if isinstance(w, QFileDialog) and w.isVisible() else None

    d.wait(lambda: d.gui(dialog), what="the export's save dialog")

    def answer() -> None:
        from qtpy.QtWidgets import QLineEdit

        dlg = dialog()
        dlg.findChild(QLineEdit, "fileNameEdit").setText(str(target))  # as typed (selectFile ignores new files)
        dlg.accept()

    d.gui(answer)


def scenario_export_stress(d: Driver) -> None:
    """Export many times, both formats, from File ▸ Export and from the page's top bar (through the bridge)."""
    from qtpy.QtGui import QAction

    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    d.wait(lambda: "has area 28.27" in d.js(win, "document.body.innerText"), timeout=120, what="outputs")
    d.wait(lambda: d.js(win, "!!document.querySelector('[data-action=export-html]')"), what="the top bar")
    menu = d.gui(
        lambda: {
            a.objectName(): a
            for a in win.native.menuBar().findChildren(QAction)
            if a.objectName() in ("Export HTML", "Export ipynb")
        }
    )
    count = int(os.environ.get("REFLOW_TEST_EXPORTS", "30"))
    written: dict[str, int] = {}
    via: dict[str, str] = {}
    for i in range(count):
        fmt = ("html", "ipynb")[i % 2]
        target = d.out / f"stress-{i}.{fmt}"
        if i % 4 == 3:  # the top bar's button: POST to the server (its thread) -> the window's dialog (GUI thread)
            d.js(win, f"document.querySelector('[data-action=export-{fmt}]').click(), 1")
            via[target.name] = "page"
        else:  # File ▸ Export ▸ ...: the menu action as a click on it fires it
            action = menu["Export HTML" if fmt == "html" else "Export ipynb"]
            app.invoke(action.trigger)
            via[target.name] = "menu"
        _answer_save_dialog(d, target)
        d.wait(target.exists, what=f"{target.name} written")
        written[target.name] = target.stat().st_size
        notice = f"document.querySelector('[data-export-notice=exported]')?.dataset.path === {json.dumps(str(target))}"
        d.wait(functools.partial(d.js, win, notice), what=f"the page saying where {target.name} went")
        d.step(f"export {i}")
    notice_text = d.js(win, "document.querySelector('[data-export-notice=exported]').innerText")
    # Show in folder: the page asks the server, which runs the opener (REFLOW_FOLDER_OPENER records its argument).
    d.js(win, "document.querySelector('[data-export-notice] [data-action=show-in-folder]').click(), 1")
    opened = Path(os.environ["REFLOW_TEST_OPENED"])
    d.wait(opened.exists, what="the folder opener")
    d.step(
        "exported",
        written=written,
        via=via,
        notice_text=notice_text,
        opened=opened.read_text(),
        alive=d.gui(lambda: win.native.isVisible()),
    )
    d.gui(app.quit)


def scenario_second(d: Driver) -> None:
    """Wait for a second launch to hand us a notebook, then quit."""
    app = d.app
    d.wait(lambda: len(app.windows) == 1, what="first window")
    (d.out / "ready").write_text("1")
    d.wait(lambda: len(app.windows) == 2, timeout=60, what="second notebook via single-instance IPC")
    d.step("second", paths=sorted(str(w.path) for w in app.windows.values()))
    d.gui(app.quit)


def scenario_hold(d: Driver) -> None:
    """Report the kernel pid and wait to be killed (orphan test)."""
    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    pid = d.wait(lambda: win.session.kernel.state in ("idle", "busy") and win.session.kernel.pid, what="kernel")
    # the open's run is over (its variables came): a kernel running cells outlives a killed app (issue 18)
    d.wait(lambda: win.session.cache.variables is not None and not win.session.cells_running, what="open ran")
    d.step("kernel", kernel_pid=pid, app_pid=os.getpid())
    time.sleep(600)


SCENARIOS = {
    "notebook": scenario_notebook,
    "welcome": scenario_welcome,
    "second": scenario_second,
    "recent_menu": scenario_recent_menu,
    "export_stress": scenario_export_stress,
    "hold": scenario_hold,
}


def run_app(scenario: Callable[[Driver], None], out: Path, argv: list[str]) -> int:
    """The real app started with ``argv``; once it is ready, ``scenario`` drives it from a worker thread.
    Its result (``ok`` or the ``error``, the exit code, GUI-thread violations) lands in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    app = ShellApp()
    d = Driver(app, out)

    def body() -> None:
        try:
            scenario(d)
            d.result["ok"] = True
        except BaseException:
            d.result["error"] = traceback.format_exc()
            d.save()
            app.invoke(app.quit)
        d.save()

    app.on_ready = lambda _a: threading.Thread(target=body, daemon=True).start()
    rc = app.run(argv)
    d.result["exit_rc"] = rc
    d.result["thread_violations"] = thread_violations()
    d.save()
    return rc


def main() -> int:
    return run_app(SCENARIOS[sys.argv[1]], Path(sys.argv[2]), sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
