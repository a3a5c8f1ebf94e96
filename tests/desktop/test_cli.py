"""The `reflow` front: `reflow --version` names the installed distribution's version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version_and_exits_zero() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"reflow {version('reflow')}"
