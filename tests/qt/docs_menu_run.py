"""Subprocess for test_shell_docs_menu.py: a real local server, the real Help menu, its
"API Reference" action triggered, and what the docs window loaded, written as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from types import SimpleNamespace
from typing import Any

from qtpy.QtWidgets import QApplication, QMainWindow

from reflow_desktop.server import ReflowServer
from reflow_desktop.shell.menus import add_help_menu


def main(out: str) -> None:
    loop = asyncio.new_event_loop()
    server = ReflowServer()
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    assert started.wait(60), "server did not start"
    qapp = QApplication(sys.argv[:1])
    win = QMainWindow()
    app: Any = SimpleNamespace(server_thread=SimpleNamespace(server=server), show_welcome=None, about=None)
    menu = add_help_menu(win.menuBar(), app, None)
    action = next(a for a in menu.actions() if a.objectName() == "API Reference")
    result: dict[str, Any] = {"text": action.text()}
    action.trigger()
    view = next(w for w in qapp.topLevelWidgets() if w.objectName() == "Reflow Docs")

    def loaded(ok: bool) -> None:
        result["ok"] = ok
        result["url"] = view.url().toString().split("?")[0]
        result["title"] = view.title()

        def html(text: str) -> None:
            result["html"] = text
            action.trigger()  # again: the same window comes back, not a second one
            result["windows"] = sum(1 for w in qapp.topLevelWidgets() if w.objectName() == "Reflow Docs")
            qapp.quit()

        view.page().toHtml(html)

    view.loadFinished.connect(loaded)
    qapp.exec()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    loop.call_soon_threadsafe(loop.stop)


if __name__ == "__main__":
    main(sys.argv[1])
