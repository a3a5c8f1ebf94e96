"""Runs the real app's launch in its own process (test_shell_launch.py): what the first window shows,
and what the user is told when the server or the notebook cannot open.

    launch_driver.py MODE OUTDIR [notebook ...]     MODE: shows | server_fails | bad_notebook

The app's ``error`` (a modal dialog once the loop runs) is recorded instead of shown, so that
nothing waits for a click; the result goes to OUTDIR/result.json.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from reflow_desktop.shell.app import ShellApp
from reflow_desktop.shell.threads import thread_violations


def on_gui(app: ShellApp, fn: Any, timeout: float = 20) -> Any:
    box: list[Any] = []
    done = threading.Event()
    app.invoke(lambda: (box.append(fn()), done.set()))
    if not done.wait(timeout):
        raise TimeoutError("GUI thread did not answer")
    return box[0]


def wait(pred: Any, timeout: float = 60, what: str = "") -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}")


def js(app: ShellApp, win: Any, script: str) -> Any:
    box: list[Any] = []
    done = threading.Event()
    app.invoke(lambda: win.run_js(script, lambda r: (box.append(r), done.set())))
    done.wait(10)
    return box[0] if box else None


def windows(app: ShellApp) -> list[dict[str, Any]]:
    """Every top-level pywebview window still open: its title and the page it shows."""
    import webview

    from reflow_desktop.shell.windows import web_view

    out = []
    for w in list(webview.windows):
        native: Any = w.native
        if native is not None and native.isVisible():
            out.append({"title": native.windowTitle(), "url": web_view(native).url().toString()})
    return out


def main() -> int:
    mode, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"errors": []}
    app = ShellApp()
    app.error = lambda title, text: result["errors"].append([title, text])  # type: ignore[method-assign]
    busy = None
    if mode == "server_fails":  # its port is taken: the server cannot listen
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        app.server_thread.server.requested_port = busy.getsockname()[1]

    def body() -> None:
        try:
            if mode == "shows":
                win = wait(lambda: next(iter(app.windows.values()), None), what="the notebook window")
                wait(win.loaded.is_set, what="the notebook page")
                wait(lambda: js(app, win, "document.querySelectorAll('[data-cell-id]').length"), what="cells")
                result["launch_window_kept"] = on_gui(app, lambda: win.window is app_windows()[0])
                result["page_done"] = win.page_done
                api = "typeof window.pywebview"  # what the page asks to know it is in the app (ui/src/popout/open.ts)
                result["page_api"] = wait(lambda: js(app, win, api) == "object" and "object", what="pywebview's script")
            else:  # the errors were recorded before on_ready ran (_open_launch is queued first)
                result["errors_before_ready"] = list(result["errors"])
            result["windows"] = on_gui(app, lambda: windows(app))
            result["welcome"] = app.welcome is not None
        except BaseException:
            result["error"] = traceback.format_exc()
        finally:
            (out / "result.json").write_text(json.dumps(result))
            app.invoke(app.quit)

    def app_windows() -> list[Any]:
        import webview

        return list(webview.windows)

    if mode != "server_fails":  # that one ends by itself
        app.on_ready = lambda _a: threading.Thread(target=body, daemon=True).start()
    rc = app.run(sys.argv[3:])
    result["exit_code"] = rc
    result["thread_violations"] = thread_violations()
    (out / "result.json").write_text(json.dumps(result))
    if busy is not None:
        busy.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
