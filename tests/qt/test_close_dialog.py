"""Closing a notebook window while cells run asks "keep running in the background?" (issue 18 item 1).

The real QMessageBox, offscreen; its buttons are pressed the way a user's click arrives (a queued
click while the box's own event loop runs). The window's closing handler is driven with a stand-in
session that only says whether cells run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("qtpy")
pytest.importorskip("webview")

pytestmark = pytest.mark.qt


@pytest.fixture(scope="module")
def qapp() -> Any:
    from qtpy.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["reflow-test"])


def press_when_shown(button: str) -> None:
    """Click the named button of the next modal box once its event loop runs."""
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication, QMessageBox, QPushButton

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)  # not shown yet
            return
        target = box.findChild(QPushButton, button)
        assert target is not None, f"no {button} button"
        target.click()

    QTimer.singleShot(0, click)


@pytest.mark.parametrize("button", ["keep", "stop", "cancel"])
def test_each_button_is_its_choice(qapp: Any, button: str) -> None:
    from reflow_desktop.shell.close_dialog import ask_keep_running, keep_running_box

    box = keep_running_box(None, "long.py")
    assert "long.py" in box.text() and "Keep running in the background?" in box.text()
    assert box.defaultButton().objectName() == "keep"
    assert box.escapeButton().objectName() == "cancel"
    press_when_shown(button)
    assert ask_keep_running(None, "long.py") == button


class FakeSession:
    def __init__(self, running: bool) -> None:
        self.cells_running = running
        self.path = Path("/tmp/long.py")
        self.id = "s1"


def window(running: bool) -> Any:
    from reflow_desktop.shell.windows import NotebookWindow

    return NotebookWindow(app=object(), session=FakeSession(running))  # type: ignore[arg-type]  # only what closing reads


def test_closing_with_nothing_running_asks_nothing(qapp: Any) -> None:
    from qtpy.QtWidgets import QApplication

    win = window(False)
    assert win._on_closing() is True
    assert win.keep_running is False
    assert QApplication.activeModalWidget() is None


@pytest.mark.parametrize(
    ("button", "closes", "keeps"), [("keep", True, True), ("stop", True, False), ("cancel", False, False)]
)
def test_closing_while_cells_run_asks(qapp: Any, button: str, closes: bool, keeps: bool) -> None:
    win = window(True)
    press_when_shown(button)
    assert win._on_closing() is closes  # False: pywebview keeps the window open
    assert win.keep_running is keeps
