"""Closing a notebook window while cells run: keep them running in the background, or stop them.

Kept, the kernel goes on without a window: its outputs go to the notebook's journal and opening
the notebook again reattaches to it (``session/reattach.py``). The dialog is built apart from
showing it, so a test can press its buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from qtpy.QtWidgets import QMessageBox, QWidget

CloseChoice = Literal["keep", "stop", "cancel"]


def keep_running_box(parent: QWidget | None, name: str) -> QMessageBox:
    """The question, with three buttons: Keep Running (default), Stop and Close, Cancel."""
    from qtpy.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Cells are still running")
    box.setText(f"Cells of {name} are still running. Keep running in the background?")
    box.setInformativeText(
        "Kept, the kernel goes on without this window and keeps every output; open the notebook "
        "again to see them and carry on."
    )
    keep = box.addButton("Keep Running", QMessageBox.ButtonRole.AcceptRole)
    keep.setObjectName("keep")
    stop = box.addButton("Stop and Close", QMessageBox.ButtonRole.DestructiveRole)
    stop.setObjectName("stop")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("cancel")
    box.setDefaultButton(keep)
    box.setEscapeButton(cancel)
    return box


def choice_of(box: QMessageBox) -> CloseChoice:
    """What the pressed button means (Cancel when the box was closed otherwise)."""
    clicked = box.clickedButton()
    name = clicked.objectName() if clicked is not None else ""
    return "keep" if name == "keep" else "stop" if name == "stop" else "cancel"


def ask_keep_running(parent: QWidget | None, name: str) -> CloseChoice:
    """Show the question (GUI thread) and wait for the answer."""
    box = keep_running_box(parent, name)
    box.exec()
    return choice_of(box)
