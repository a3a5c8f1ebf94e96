"""Shared by the in-browser benchmarks: start `reflow edit --no-open`, launch Debian's Chromium.

(The runner skips files starting with "_": this is a helper, not a benchmark.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REFLOW = Path(sys.executable).with_name("reflow")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def start_server(path: Path, command: str = "edit") -> tuple[subprocess.Popen[str], str]:
    """Serve ``path`` with the real CLI (``reflow edit``, or ``run``); returns the process and the page URL."""
    argv = [str(REFLOW), command, str(path), "--no-open"]
    if profile := os.environ.get("REFLOW_PROFILE_SERVER"):  # a directory: cProfile of the server's main thread
        argv = [sys.executable, "-m", "cProfile", "-o", str(Path(profile) / f"{path.name}.prof"), *argv]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(r"http://127\.0\.0\.1:\d+\S*", line)
        if match:
            return proc, match.group(0)
    proc.kill()
    raise RuntimeError("the server printed no URL")


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium with the flags this machine needs (never a downloaded browser), and the desktop
    app's own switches (reflow_desktop/shell/chromium_flags.py): the page is measured as the app runs it."""
    from reflow_desktop.shell.chromium_flags import switches

    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *switches()])
