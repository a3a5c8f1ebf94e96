"""PyInstaller runtime hook: runs before the launcher inside the frozen app.

The engine (``reflow``) is shipped as plain ``.py`` files under ``_MEIPASS/engine``
rather than in the PYZ archive, because kernels (another interpreter) import it
from PYTHONPATH. The app process imports the very same files, so it goes first
on ``sys.path``. ``QT_API`` makes qtpy (pywebview, qtconsole) pick PySide6.
"""

import os
import sys

_engine = os.path.join(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)), "engine")
if os.path.isdir(_engine) and _engine not in sys.path:
    sys.path.insert(0, _engine)
os.environ.setdefault("QT_API", "pyside6")
