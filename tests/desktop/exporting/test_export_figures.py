"""Exports of a matplotlib notebook (issue 16): one picture per figure, none above a failed cell's error.

Runs the notebook in its own uv environment (matplotlib from the uv cache or PyPI), as `reflow export --run`
does for a user, and reads both exports back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.uv

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["matplotlib"]
# ///

# %%
import matplotlib.pyplot as plt

# %%
fig, ax = plt.subplots()
ax.plot([1, 2, 3])
fig

# %%
fig2, ax2 = plt.subplots()
ax2.plot([1, 2])
raise ValueError("boom")
"""


def export(tmp_path: Path, fmt: str) -> Path:
    nb = tmp_path / "plots.py"
    nb.write_text(NOTEBOOK)
    out = tmp_path / f"plots.{fmt}"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "REFLOW_CACHE_DIR": str(tmp_path.parent / "envs")}
    env.pop("REFLOW_ENVIRONMENTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", fmt, str(nb), "-o", str(out), "--run"],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0 and "environment could not be prepared" in proc.stderr:
        pytest.skip("matplotlib could not be installed into the notebook's environment here")
    assert proc.returncode == 0, proc.stderr
    return out


def test_ipynb_export_has_one_figure_and_none_on_failure(tmp_path: Path):
    exported = nbformat.read(str(export(tmp_path, "ipynb")), as_version=4)
    plot, failed = exported.cells[1], exported.cells[2]
    assert [o.output_type for o in plot.outputs if "image/png" in o.get("data", {})] in (
        ["execute_result"],
        ["display_data"],
    )
    assert len(plot.outputs) == 1
    assert [o.output_type for o in failed.outputs] == ["error"]


def test_html_export_has_one_figure_and_none_on_failure(tmp_path: Path):
    page = export(tmp_path, "html").read_text()
    state = json.loads(page.split('id="reflow-state">', 1)[1].split("</script>", 1)[0])
    code = [c for c in state["cells"] if c["kind"] == "code"]
    assert [o["kind"] for o in code[1]["outputs"]] == ["data"] and "image/png" in code[1]["outputs"][0]["data"]
    assert [o["kind"] for o in code[2]["outputs"]] == ["error"]
