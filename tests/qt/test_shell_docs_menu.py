"""Help ▸ API Reference & Examples (issue 16 item 17) opens the app's docs page -- built from
the docstrings, with the example gallery -- in its own window, from the real local server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qt.shell_run import app_env

pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

RUNNER = Path(__file__).with_name("docs_menu_run.py")


def test_help_menu_opens_the_docs_page(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(out)], env=app_env(tmp_path), capture_output=True, text=True, timeout=150
    )
    assert out.exists(), f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    r = json.loads(out.read_text())
    assert r["text"] == "API Reference && Examples"
    assert r["ok"] is True and r["url"].endswith("/docs")
    assert r["title"] == "Reflow API reference"
    for name in ("reflow.ui.slider", "reflow.md", "reflow.state", "reflow.stop", "reflow.cache", "reflow.hstack"):
        assert f"<code>{name}<span" in r["html"], name
    assert "Example gallery" in r["html"] and "01_widgets.py" in r["html"]
    assert r["windows"] == 1
