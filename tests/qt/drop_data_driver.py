"""shell_driver.py's app runner with the drop-data scenario (issue 20 item 5).

Drags and drops go through Qt's own delivery: the events are sent to the window's QWindow, whose
QWidgetWindow finds the drop target under the point (the web view or Chromium's render widget
inside it) as it does for a drag from a file manager. Usage: drop_data_driver.py drop_data OUTDIR nb.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import shell_driver  # sets Qt's environment first; runs the app
from shell_driver import Driver


def _drag_and_drop(win: Any, paths: list[str], at: tuple[float, float] | None = None) -> dict[str, Any]:
    """Enter, move and drop ``paths`` at ``at`` (CSS pixels), else the middle of the web view (GUI thread)."""
    from qtpy.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from qtpy.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from qtpy.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    view = win.native.centralWidget()
    zoom = view.zoomFactor()
    inside = view.rect().center() if at is None else QPoint(int(at[0] * zoom), int(at[1] * zoom))
    point = view.mapTo(win.native, inside)
    handle = win.native.windowHandle()
    copy, button, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, copy, mime, button, mods)
    QApplication.sendEvent(handle, enter)
    move = QDragMoveEvent(point, copy, mime, button, mods)
    QApplication.sendEvent(handle, move)
    hint = win.native.statusBar().currentMessage()  # while the files are over the window
    drop = QDropEvent(QPointF(point), copy, mime, button, mods)
    QApplication.sendEvent(handle, drop)
    accepted = {"enter": enter.isAccepted(), "move": move.isAccepted(), "drop": drop.isAccepted()}
    return {"accepted": accepted, "hint": hint, "hint_after": win.native.statusBar().currentMessage()}


def _cell_ids(d: Driver, win: Any) -> list[str]:
    return d.app.server_thread.call(lambda: [c.id for c in win.session.notebook.cells]).result(10)


def scenario_drop_data(d: Driver) -> None:
    """Focus the first cell, drop a CSV: a loader cell after it, run, its table rendered; then the file changes."""
    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    d.wait(lambda: "x is 1" in d.js(win, "document.body.innerText"), timeout=120, what="the first run")
    folder = Path(sys.argv[3]).parent
    csv = folder / "data" / "Sales Q1.csv"
    focus = """(function(){const c=document.querySelector('[data-cell-id] .cm-content');
      if(!c) return null; c.focus(); return c.closest('[data-cell-id]').getAttribute('data-cell-id');})()"""
    first = d.js(win, focus)
    before = _cell_ids(d, win)
    d.step("ready", first=first, before=before)
    dropped = d.gui(lambda: _drag_and_drop(win, [str(csv)]))
    d.step("dropped", **dropped)
    ids = d.wait(lambda: (ids := _cell_ids(d, win)) and len(ids) == len(before) + 1 and ids, what="the loader cell")
    new = next(i for i in ids if i not in before)
    code = app.server_thread.call(lambda: win.session.notebook.cells[ids.index(new)].source).result(10)
    table_js = f"""(function(){{const c=document.querySelector('[data-cell-id="{new}"]');
      const t=c&&c.querySelector('table.rw-table'); return t?t.innerText:null;}})()"""
    table = d.wait(lambda: d.js(win, table_js), timeout=60, what="the table in the loader cell")
    d.wait(lambda: "total 30" in d.js(win, "document.body.innerText"), timeout=60, what="the dependent cell")
    shot = d.shot(win.window, f"shell-drop-data-{os.environ.get('QT_QPA_PLATFORM', 'xcb')}.png")
    d.step("table", ids=ids, new=new, code=code, table=table, shot=shot)
    csv.write_text("region,amount\nnorth,10\nsouth,20\neast,30\n")  # the file changes on disk
    table = d.wait(lambda: (t := d.js(win, table_js)) and "east" in t and t, timeout=60, what="the re-read table")
    total = d.wait(lambda: (t := d.js(win, "document.body.innerText")) and "total 60" in t, what="the dependent")
    d.step("changed", table_after=table, total=bool(total))
    # hostile: a folder is refused with a message in the page, nothing inserted
    d.gui(lambda: _drag_and_drop(win, [str(folder / "data")]))
    d.wait(lambda: "is a folder" in d.js(win, "document.body.innerText"), what="the refusal notice")
    d.step("refused", after_refusal=_cell_ids(d, win))
    # the data_library setting, as Settings saves it, picks the reader of the next drop
    config = Path(os.environ["REFLOW_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text('{"version": 1, "data_library": "polars"}')
    before = _cell_ids(d, win)
    d.gui(lambda: _drag_and_drop(win, [str(folder / "data" / "events.jsonl")]))
    ids = d.wait(lambda: (ids := _cell_ids(d, win)) and len(ids) == len(before) + 1 and ids, what="the polars loader")
    new = next(i for i in ids if i not in before)
    code = app.server_thread.call(lambda: win.session.notebook.cells[ids.index(new)].source).result(10)
    table_js = f"""(function(){{const c=document.querySelector('[data-cell-id="{new}"]');
      const t=c&&c.querySelector('table.rw-table'); return t?t.innerText:null;}})()"""
    table = d.wait(lambda: d.js(win, table_js), timeout=60, what="the polars table")
    d.step("polars", polars_code=code, polars_table=table)
    # files dropped on a file element (reflow.ui.file) go to it, as in a browser: no loader cell
    where = """(function(){const l=document.querySelector('label.rw-file'); if(!l) return null;
      l.scrollIntoView({block:'center'}); const r=l.getBoundingClientRect();
      return JSON.stringify([r.left+r.width/2, r.top+r.height/2]);})()"""
    at = json.loads(d.wait(lambda: d.js(win, where), what="the file element"))
    at = json.loads(d.js(win, where))  # after the scroll
    before = _cell_ids(d, win)
    d.gui(lambda: _drag_and_drop(win, [str(folder / "data" / "notes.txt")], at=(at[0], at[1])))
    d.wait(lambda: "uploaded notes.txt 5" in d.js(win, "document.body.innerText"), what="the upload's dependent")
    d.step("uploaded", after_upload=_cell_ids(d, win), upload_before=before)
    d.gui(win.close)
    d.wait(win.closed.is_set, what="window closed")
    d.step("closed")


shell_driver.SCENARIOS["drop_data"] = scenario_drop_data

if __name__ == "__main__":
    sys.exit(shell_driver.main())
