"""Serve a notebook from another checkout of Reflow (a `git worktree` of an older commit, its UI
built), so a benchmark can put "before" next to "now" in the same run on the same machine.

`REFLOW_BASELINE_ROOT=/path/to/old/checkout .venv/bin/python benchmarks/typing_latency.py`
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from _browser import start_server


def baseline_root() -> Path | None:
    """The older checkout named by REFLOW_BASELINE_ROOT, if any (its ui/dist must be built)."""
    root = os.environ.get("REFLOW_BASELINE_ROOT")
    if not root:
        return None
    path = Path(root)
    if not (path / "ui" / "dist" / "index.html").is_file():
        raise SystemExit(f"REFLOW_BASELINE_ROOT={root}: its ui/dist is not built")
    return path


def start_server_at(path: Path, root: Path | None) -> tuple[subprocess.Popen[str], str]:
    """`reflow edit --no-open` from `root` (None: this checkout); the process and the page URL."""
    if root is None:
        return start_server(path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "engine"), str(root / "desktop")]))
    proc = subprocess.Popen([sys.executable, "-m", "reflow_desktop.cli", "edit", str(path), "--no-open"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(r"http://127\.0\.0\.1:\d+\S*", line)
        if match:
            return proc, match.group(0)
    proc.kill()
    raise RuntimeError("the baseline server printed no URL")
