"""shell_driver.py's app runner with the session-lifecycle scenarios (issue 16 item 12).

Usage: session_driver.py SCENARIO OUTDIR [notebook ...]; results in OUTDIR/result.json.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import shell_driver  # sets Qt's environment first; runs the app
from shell_driver import Driver, _answer_save_dialog


def _run_radius(d: Driver, win: Any, value: str) -> None:
    """Type ``radius = value`` into the radius cell through the page and press its Run button."""
    edit = f"""(function(){{
      const cell=[...document.querySelectorAll('[data-cell-id]')].find(c=>c.innerText.includes('radius = '));
      if(!cell) return 'no cell';
      const cm=cell.querySelector('.cm-content'); cm.focus();
      const sel=window.getSelection(); sel.selectAllChildren(cm);
      document.execCommand('insertText', false, 'radius = {value}');
      return 'ok';}})()"""
    assert d.js(win, edit) == "ok"
    d.wait(
        lambda: d.app.server_thread.call(
            lambda: any(f"radius = {value}" in c.source for c in win.session.notebook.cells)
        ).result(10),
        what="the page's edit in the session",
    )
    run = f"""(function(){{
      const cell=[...document.querySelectorAll('[data-cell-id]')].find(c=>c.innerText.includes('radius = {value}'));
      const b=cell && cell.querySelector('button.run'); if(!b) return 'no run button'; b.click(); return 'ok';}})()"""
    assert d.js(win, run) == "ok"


def scenario_save_as(d: Driver) -> None:
    """File ▸ Save As… through its dialog, then edit and run: everything goes beside the new file."""
    from qtpy.QtGui import QAction

    app = d.app
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    d.wait(lambda: "cached square 9.0" in d.js(win, "document.body.innerText"), timeout=120, what="first run")
    target = Path(sys.argv[2]) / "moved" / "moved.py"
    target.parent.mkdir(parents=True)
    action = d.gui(lambda: next(a for a in win.native.menuBar().findChildren(QAction) if a.text() == "Save As…"))
    app.invoke(action.trigger)
    _answer_save_dialog(d, target)
    d.wait(lambda: d.gui(lambda: win.native.windowTitle()).startswith("moved.py"), what="the window on the new file")
    d.step("saved_as", title=d.gui(lambda: win.native.windowTitle()))
    _run_radius(d, win, "5.0")
    d.wait(lambda: "cached square 25.0" in d.js(win, "document.body.innerText"), what="the run after Save As")
    d.step("ran")
    d.gui(win.close)
    d.wait(win.closed.is_set, what="window closed")
    d.step("closed")


shell_driver.SCENARIOS["save_as"] = scenario_save_as

if __name__ == "__main__":
    sys.exit(shell_driver.main())
