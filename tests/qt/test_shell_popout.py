"""Pop-out windows (issue 20 item 6) in the real desktop app: the page's pop-out button opens a
separate top-level window on the same session, live, with an Always on Top toggle, closed with its
notebook window. (What a page may ask for is checked in tests/desktop/server/test_server_popout.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qt.shell_run import app_env

pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

RUNNER = Path(__file__).with_name("popout_run.py")

NOTEBOOK = """\
# %%
import reflow
s = reflow.ui.slider(0, 100, value=10, label="amount")
s

# %%
doubled = s.value * 2
f"doubled={doubled}"
"""


def test_pop_out_window_is_separate_live_on_top_and_closes_with_its_notebook(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK, encoding="utf-8")
    other = tmp_path / "other.py"
    other.write_text("# %%\nx = 1\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(out), str(nb), str(other)],
        env=app_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    result_file = out / "result.json"
    assert result_file.exists(), f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    r = json.loads(result_file.read_text())
    assert "error" not in r, r["error"] + "\n" + proc.stderr[-2000:]
    assert r["clicked"] == "ok"
    # a window of its own, titled after the notebook and the cell, showing only that output
    assert r["is_window"] is True and r["has_parent"] is False and r["separate"] is True
    assert r["title"] == "nb.py — cell 2"
    assert "doubled=20" in r["popout_text"] and r["has_cells"] == 0
    assert r["size"][0] >= 240 and r["size"][1] >= 120
    # live: the notebook window's slider moved, the pop-out showed the reader's new value
    assert "doubled=66" in r["live_text"]
    # the toggle sets, then clears, the stays-on-top hint, and the window stays shown
    assert r["flags"] == [False, True, False]
    assert r["visible_on_top"] is True and r["visible_after"] is True
    # View ▸ Pop Out Cell Output pops out the selected cell (its slider) in a second window
    assert r["menu_text"] == "Pop Out Cell Output" and r["menu_title"] == "nb.py — cell 1"
    # closed with its notebook window, while the app and the other notebook's window stay
    assert "reflow-popout" not in r["left"] and r["other_open"] is True
    assert r["thread_violations"] == []
    assert proc.returncode == 0, proc.stderr[-3000:]
