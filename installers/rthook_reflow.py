"""PyInstaller runtime hook: runs before the launcher inside the frozen app.

The engine (``reflow``) is shipped as plain ``.py`` files under ``_MEIPASS/engine``
rather than in the PYZ archive, because kernels (another interpreter) import it
from PYTHONPATH. The app process imports the very same files, so it goes first
on ``sys.path``. ``QT_API`` makes qtpy (pywebview, qtconsole) pick PySide6.

Windows, windowed ``reflow.exe`` (no console): ``sys.stdout``/``sys.stderr`` are
None, and every console child (the kernel's python.exe, uv) would pop up its own
console window. jupyter_client only avoids that when the parent is pythonw.exe,
so here every child gets CREATE_NO_WINDOW and null stdio unless the caller chose
otherwise, and our own prints go to a log file instead of crashing on None.
"""

import os
import sys

if os.environ.get("REFLOW_STARTUP_TRACE"):  # issue 21's start-up timeline: the first Python line of the app
    from reflow_desktop.shell.startup_trace import mark

    mark("python")
_engine = os.path.join(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)), "engine")
if os.path.isdir(_engine) and _engine not in sys.path:
    sys.path.insert(0, _engine)
os.environ.setdefault("QT_API", "pyside6")


def _windowed_windows() -> None:
    import subprocess

    log_dir = os.path.join(os.environ.get("LOCALAPPDATA", os.path.expanduser("~")), "reflow", "Logs")
    try:
        os.makedirs(log_dir, exist_ok=True)
        stream = open(os.path.join(log_dir, "reflow.log"), "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream

    no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
    original_init = subprocess.Popen.__init__

    def popen_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["creationflags"] = kwargs.get("creationflags", 0) | no_window
        if len(args) <= 3:  # stdio not passed positionally (Popen(args, bufsize, executable, stdin, ...))
            for name in ("stdin", "stdout", "stderr"):
                if kwargs.get(name) is None:
                    kwargs[name] = subprocess.DEVNULL
        original_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = popen_init  # type: ignore[method-assign]


if sys.platform == "win32" and getattr(sys, "frozen", False) and sys.stdout is None:
    _windowed_windows()
