"""View ▸ Console: a qtconsole dock attached to this window's kernel.

The console is just another Jupyter client on the notebook's kernel (via the
connection file), so it sees the notebook's variables, and what it defines does
not enter the reactive graph. qtconsole is imported only when first opened (slow).
"""

from __future__ import annotations

from typing import Any

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QDockWidget, QMainWindow


class ConsoleDock(QDockWidget):
    def __init__(self, parent: QMainWindow, connection_file: str) -> None:
        super().__init__("Console", parent)
        from qtconsole.client import QtKernelClient
        from qtconsole.rich_jupyter_widget import RichJupyterWidget

        self.setObjectName("reflow-console")
        self.kernel_client: Any = QtKernelClient(connection_file=connection_file)
        self.kernel_client.load_connection_file()
        self.kernel_client.start_channels()
        self.console: Any = RichJupyterWidget()
        self.console.kernel_client = self.kernel_client
        self.console.banner = (
            "Reflow console: this notebook's kernel. Names defined here are not part of the notebook.\n"
        )
        self.setWidget(self.console)
        parent.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        # A third of the window: the notebook stays the main thing.
        parent.resizeDocks([self], [max(160, parent.height() // 3)], Qt.Orientation.Vertical)

    def text(self) -> str:
        """What the console shows (tests read it)."""
        return str(self.console._control.toPlainText())

    def shutdown(self) -> None:
        """Disconnect only: the kernel belongs to the session, not to the console."""
        try:
            self.kernel_client.stop_channels()
        except Exception:
            pass
