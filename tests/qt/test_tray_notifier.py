"""The tray notifier (Windows' and macOS' notifications; Linux without a notification service).

No tray exists under the offscreen platform, so the click is Qt's own ``messageClicked`` signal emitted
on the tray icon, as Qt emits it when the user clicks the message; what is checked is Reflow's side:
the latest message's callback runs once, and a missing app icon does not leave the tray without one.
The real toasts run where a tray exists (the installers' CI matrix builds on Windows and macOS).
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt


def test_a_click_on_the_message_runs_the_latest_notices_callback(qapp: Any) -> None:
    from qtpy.QtGui import QIcon

    from reflow_desktop.desktop_os.notify import Notice, TrayNotifier

    notifier = TrayNotifier(QIcon())  # no app icon: a standard one stands in
    assert not notifier.tray.icon().isNull()
    clicks: list[str] = []
    notifier.show(Notice("nb.py: run finished in 12 s", "cell 3: fit(x)"), lambda: clicks.append("first"))
    notifier.show(Notice("nb.py: run failed after 7 s", "Failed in cell 5: 1/0"), lambda: clicks.append("second"))
    notifier.tray.messageClicked.emit()
    notifier.tray.messageClicked.emit()  # a second click (the icon itself): nothing is pending
    assert clicks == ["second"]
    notifier.close()
    assert not notifier.tray.isVisible()
