"""Subprocess for test_shell_popout.py: the real app on a slider notebook; the page's pop-out button
(POST /s/ID/pop-out, then the shell) opens a pop-out window, which is driven and reported as JSON.
Usage: popout_run.py OUTDIR NOTEBOOK OTHER_NOTEBOOK"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shell_driver import Driver, run_app  # same folder: this file runs as a script, like shell_driver.py

from reflow_desktop.shell import popout


def page_js(d: Driver, view: Any, script: str) -> Any:
    """``script``'s value in a plain QWebEngineView's page (the pop-out window's)."""
    import concurrent.futures

    fut: concurrent.futures.Future[Any] = concurrent.futures.Future()
    d.app.invoke(lambda: view.page().runJavaScript(script, 0, fut.set_result))
    return fut.result(10)


SET_SLIDER = """(v => { const el = document.querySelector('.rw-slider input[type=range]');
  el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); return el.value; })(%d)"""


def scenario(d: Driver) -> None:
    from qtpy.QtCore import Qt
    from qtpy.QtWidgets import QApplication

    app = d.app
    # two notebooks: closing the first leaves the app running, so its pop-out closing is its own doing
    d.wait(lambda: len(app.windows) == 2, what="both notebook windows")
    win = next(w for w in app.windows.values() if w.path.name == "nb.py")
    other = next(w for w in app.windows.values() if w is not win)
    d.wait(win.loaded.is_set, what="page load")
    text = "document.body.innerText"
    d.wait(lambda: "doubled=20" in d.js(win, text), timeout=120, what="the reader's output")
    d.wait(lambda: d.js(win, "typeof window.pywebview === 'object'"), what="pywebview's script on the page")
    # the reader's pop-out button, clicked in the notebook page
    click = """(() => { const c = document.querySelectorAll('.notebook .cell')[1];
      const b = c && c.querySelector('[data-action=pop-out]');
      if (!b) return 'no button'; b.click(); return 'ok'; })()"""
    d.step("clicked", clicked=d.js(win, click))
    pop = d.wait(lambda: next(iter(popout.popouts(win.session.id)), None), what="the pop-out window")
    d.wait(lambda: d.gui(pop.windowTitle) == "nb.py — cell 2", what="the page's title on the window")
    d.wait(lambda: "doubled=20" in (page_js(d, pop.view, text) or ""), what="the output in the pop-out")
    tops = d.gui(lambda: [w for w in QApplication.topLevelWidgets() if w.isVisible()])
    d.step(
        "opened",
        title=d.gui(pop.windowTitle),
        is_window=d.gui(pop.isWindow),
        has_parent=d.gui(lambda: pop.parent() is not None),
        separate=pop in tops and win.native in tops and pop is not win.native,
        popout_text=page_js(d, pop.view, "document.querySelector('.popout-body').innerText"),
        has_cells=page_js(d, pop.view, "document.querySelectorAll('.cell').length"),
        size=d.gui(lambda: [pop.width(), pop.height()]),
    )
    # live: the slider moves in the notebook window, the pop-out shows the reader's new value
    d.js(win, SET_SLIDER % 33)
    d.wait(lambda: "doubled=66" in (page_js(d, pop.view, text) or ""), what="the pop-out following the slider")
    d.step("live", live_text=page_js(d, pop.view, "document.querySelector('.popout-body').innerText"))
    # Always on Top: the toolbar's toggle sets and clears the window's stays-on-top hint
    hint = Qt.WindowType.WindowStaysOnTopHint
    flags = [d.gui(lambda: bool(pop.windowFlags() & hint))]
    d.gui(pop.on_top.trigger)
    flags.append(d.gui(lambda: bool(pop.windowFlags() & hint)))
    visible_on_top = d.gui(pop.isVisible)
    d.gui(pop.on_top.trigger)
    flags.append(d.gui(lambda: bool(pop.windowFlags() & hint)))
    d.step("on_top", flags=flags, visible_on_top=visible_on_top, visible_after=d.gui(pop.isVisible))
    # View ▸ Pop Out Cell Output: the page pops out its selected cell (the first, as nothing else was picked)
    from qtpy.QtGui import QAction

    menu_item = d.gui(
        lambda: next(a for a in win.native.menuBar().findChildren(QAction) if a.objectName() == "pop-out")
    )
    d.gui(menu_item.trigger)
    d.wait(lambda: len(popout.popouts(win.session.id)) == 2, what="a second pop-out from the menu")
    second = popout.popouts(win.session.id)[1]
    d.wait(lambda: d.gui(second.windowTitle) == "nb.py — cell 1", what="the menu's pop-out titled")
    d.wait(lambda: page_js(d, second.view, "!!document.querySelector('.popout-body .rw-slider')"), what="its slider")
    d.step("menu", menu_text=d.gui(menu_item.text), menu_title=d.gui(second.windowTitle))
    # it closes with its notebook window (the other notebook's window stays, and so does the app)
    d.gui(win.close)
    d.wait(win.closed.is_set, what="notebook window closed")
    d.wait(lambda: not popout.popouts(win.session.id), what="the pop-out closed with it")
    d.step(
        "closed",
        left=d.gui(lambda: [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]),
        other_open=d.gui(lambda: other.native is not None and other.native.isVisible()),
    )
    d.gui(app.quit)


def main() -> int:
    rc = run_app(scenario, Path(sys.argv[1]), sys.argv[2:])
    print(json.dumps({"rc": rc}))
    return rc


if __name__ == "__main__":
    sys.exit(main())
