"""shell_driver.py's app runner with the run-alerts scenario (issue 20 item 3).

Usage: run_alerts_driver.py SCENARIO OUTDIR [notebook ...]; results in OUTDIR/result.json. The app
runs on the private D-Bus session bus whose address the test gives it (DBUS_SESSION_BUS_ADDRESS);
tests/os_bus.py's listener there plays the notification daemon and the screensaver.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import os

import shell_driver  # sets Qt's environment first; runs the app
from os_bus import Listener
from shell_driver import Driver

LONG = 6.0  # seconds the long cell sleeps: past the notify_after setting (5) the test writes


def _cell_in_view(cell: str) -> str:
    return f"""(function(){{
      const el = document.getElementById('cell-{cell}'); if (!el) return 'missing';
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight ? 'in view' : 'out of view';}})()"""


SELECTED = "document.querySelector('.cell.selected')?.dataset.cellId ?? null"


def scenario_long_run(d: Driver) -> None:
    """A long run ends while another window is active: notified; the click brings the window and the cell."""
    from qtpy.QtWidgets import QAbstractButton, QApplication, QWidget

    app = d.app
    listener = Listener(os.environ["DBUS_SESSION_BUS_ADDRESS"], tuple(os.environ["REFLOW_TEST_BUS_NAMES"].split()))
    win = d.wait(lambda: next(iter(app.windows.values()), None), what="window")
    d.wait(win.loaded.is_set, what="page load")
    alerts = app.run_alerts
    assert alerts is not None
    assert alerts.ready.wait(30), "the bus was not set up"
    d.step("alerts", notifier=alerts.notifier.kind, keep_awake=alerts.keep_awake.kind)
    cells = app.server_thread.call(lambda: [(c.id, c.source) for c in win.session.notebook.cells]).result(10)
    long_id = next(cid for cid, src in cells if src.startswith("time.sleep"))
    d.wait(lambda: d.js(win, "document.body.innerText").count("ready") > 0, timeout=120, what="the open's run")
    d.wait(lambda: alerts.decisions, what="the open's run to end")  # the open ran the notebook: one run
    opened = list(alerts.decisions)
    d.wait(lambda: d.js(win, _cell_in_view(long_id)) != "missing", what="the long cell on the page")
    # Another window takes the focus: the notebook's is in the background.
    other = d.gui(lambda: QWidget())
    d.gui(lambda: (other.setWindowTitle("another app"), other.show(), other.activateWindow()))
    d.wait(lambda: d.gui(lambda: not win.native.isActiveWindow()), what="the notebook window in the background")
    before = {"selected": d.js(win, SELECTED), "view": d.js(win, _cell_in_view(long_id)), "decisions": opened}

    def run(code: str) -> None:  # as the page's Run button sends it: the cell with its new code
        app.invoke(lambda: win._to_session({"type": "run", "cells": [{"id": long_id, "code": code}]}))

    run(f"time.sleep({LONG})")
    (inhibit,) = listener.wait_calls("Inhibit")
    held_while = app.server_thread.call(lambda: win.session.status_of(long_id)).result(10)
    d.wait(lambda: len(alerts.decisions) >= 2, timeout=120, what="the long run's end")
    (notify,) = listener.wait_calls("Notify")
    (uninhibit,) = listener.wait_calls("UnInhibit")
    d.step(
        "notified",
        long_id=long_id,
        first_id=cells[0][0],
        before=before,
        inhibit=inhibit,
        held_while=held_while,
        notify=notify,
        uninhibit=uninhibit,
        decisions=list(alerts.decisions),
    )
    listener.click(notify["id"])  # the user clicks the notification
    d.wait(lambda: d.gui(lambda: win.native.isActiveWindow()), what="the notebook window in front")
    d.wait(lambda: d.js(win, SELECTED) == long_id, what="the cell selected")
    d.wait(lambda: d.js(win, _cell_in_view(long_id)) == "in view", what="the cell scrolled into view")
    d.step("clicked", selected=d.js(win, SELECTED), other_active=d.gui(lambda: other.isActiveWindow()))
    # The window in front: a long run ends without a notification.
    run(f"time.sleep({LONG})")
    d.wait(lambda: len(alerts.decisions) >= 3, timeout=120, what="the second long run's end")
    listener.wait_calls("UnInhibit", 2)
    # A quick run (a slider's): never held awake, never announced.
    run("time.sleep(0)")
    d.wait(lambda: len(alerts.decisions) >= 4, timeout=60, what="the quick run's end")
    d.step(
        "in_front",
        decisions=list(alerts.decisions),
        notifies=len(listener.calls("Notify")),
        inhibits=len(listener.calls("Inhibit")),
    )
    d.gui(other.close)
    # Closed in the middle of a long run (Stop and Close): the keep-awake is let go with the window.
    run("time.sleep(120)")
    listener.wait_calls("Inhibit", 3)
    app.invoke(win.close)
    box = d.wait(lambda: d.gui(QApplication.activeModalWidget), what="the question: keep running?")
    d.step("stopping")  # the last window goes: the app may end before a step after this one is saved
    d.gui(lambda: box.findChild(QAbstractButton, "stop").click())
    d.wait(win.closed.is_set, what="window closed")
    d.step("closed")


shell_driver.SCENARIOS["long_run"] = scenario_long_run

if __name__ == "__main__":
    sys.exit(shell_driver.main())
