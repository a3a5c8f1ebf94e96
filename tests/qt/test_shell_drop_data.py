"""Drop a data file on a real notebook window (issue 20 item 5): through Qt's own drag-and-drop
delivery, the loader cell appears after the focused cell, runs and renders its paged table; when
the file changes on disk the table and a dependent cell follow; a dropped folder is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qt.shell_run import app_env, window_system

pytest.importorskip("webview")
pytest.importorskip("qtpy")
pytest.importorskip("pandas")
pytest.importorskip("polars")

pytestmark = pytest.mark.qt

DRIVER = Path(__file__).with_name("drop_data_driver.py")

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas", "polars"]
# ///

# %%
x = 1
print("x is", x)

# %%
print("total", int(sales_q1["amount"].sum()))

# %%
import reflow

up = reflow.ui.file(label="Upload notes")
up

# %%
print("uploaded", up.value and up.name(), len(up.contents() or b""))
"""


@pytest.mark.parametrize("platform", ["offscreen", "xvfb"])
def test_dropping_a_csv_inserts_a_loader_that_runs_and_follows_the_file(tmp_path: Path, platform: str) -> None:
    nb = tmp_path / "nb" / "nb.py"
    (nb.parent / "data").mkdir(parents=True)
    nb.write_text(NOTEBOOK)
    (nb.parent / "data" / "Sales Q1.csv").write_text("region,amount\nnorth,10\nsouth,20\n")
    (nb.parent / "data" / "notes.txt").write_text("hello")
    (nb.parent / "data" / "events.jsonl").write_text('{"kind": "signup"}\n{"kind": "order"}\n')
    out = tmp_path / "out-drop"
    with window_system(platform, tmp_path) as display:
        proc = subprocess.run(
            [sys.executable, str(DRIVER), "drop_data", str(out), str(nb)],
            env=app_env(tmp_path, REFLOW_ENVIRONMENTS="0", **display),
            capture_output=True,
            text=True,
            timeout=300,
        )
    result_file = out / "result.json"
    assert result_file.exists(), f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert "error" not in result, result["error"] + "\n" + proc.stderr[-2000:]
    assert result["steps"][-1] == "closed" and result["thread_violations"] == []
    assert result["accepted"] == {"enter": True, "move": True, "drop": True}
    assert result["hint"] == "Drop to load Sales Q1.csv into a new cell" and result["hint_after"] == ""
    before, ids, new = result["before"], result["ids"], result["new"]
    assert ids == [before[0], new, *before[1:]]  # after the focused (first) cell
    assert result["first"] == before[0]
    assert 'sales_q1 = pd.read_csv(r"data/Sales Q1.csv")' in result["code"]
    assert "north" in result["table"] and "south" in result["table"] and "east" not in result["table"]
    assert "east" in result["table_after"] and result["total"]
    assert result["after_refusal"] == ids  # the folder: nothing inserted
    assert 'events = pl.read_ndjson(r"data/events.jsonl")' in result["polars_code"]  # Settings: polars
    assert "signup" in result["polars_table"] and "order" in result["polars_table"]
    assert result["after_upload"] == result["upload_before"]  # the file element took it: no loader cell
    saved = nb.read_text()
    assert "# %% watch=true" in saved and "sales_q1 = pd.read_csv" in saved
