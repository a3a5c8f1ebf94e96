"""File ▸ Save As… in the real desktop app (issue 16 item 12): after it, edits, outputs and persistent
caches go beside the new file only; the old file and its ``__reflow__/`` stay as they were."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qt.shell_run import app_env

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

DRIVER = Path(__file__).with_name("session_driver.py")

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
radius = 3.0

# %%
import reflow

with reflow.persistent_cache("square"):
    square = radius * radius
print("cached square", square)
"""


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_save_as_from_the_menu_takes_outputs_and_caches_to_the_new_file(tmp_path: Path) -> None:
    old = tmp_path / "old" / "nb.py"
    old.parent.mkdir()
    old.write_text(NOTEBOOK)
    out = tmp_path / "out-save_as"
    proc = subprocess.run(
        [sys.executable, str(DRIVER), "save_as", str(out), str(old)],
        env=app_env(tmp_path, REFLOW_ENVIRONMENTS="0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    result_file = out / "result.json"
    assert result_file.exists(), f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
    assert result["steps"][-1] == "closed" and result["thread_violations"] == []
    assert result["title"].startswith("moved.py")
    new = out / "moved" / "moved.py"
    assert "radius = 5.0" in new.read_text()
    assert "radius = 3.0" in old.read_text() and "radius = 5.0" not in old.read_text()
    new_side = files(new.parent / "__reflow__")
    old_side = files(old.parent / "__reflow__")
    assert "cached square 25.0" in new_side["moved.py.json"].decode()
    assert all(b"25.0" not in data for name, data in old_side.items() if name.endswith(".json"))
    # the persistent cache: the first run's entry beside the old file, the run after Save As beside the new
    assert len([n for n in old_side if n.startswith("cache/square/")]) == 1
    assert len([n for n in new_side if n.startswith("cache/square/")]) == 1
