"""`reflow script`: headless runs in execution order with real output and exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def run_script(path: Path) -> subprocess.CompletedProcess[str]:
    """In this interpreter (the runner's own behaviour); test_cmd_script_env.py covers the notebook's env."""
    return subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "script", "--current-python", str(path)],
                          capture_output=True, text=True, cwd=path.parent)


def test_runs_in_topological_order_and_prints_outputs(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nprint('total', total)\n\n# %%\nparts = [1, 2, 3]\n\n# %%\ntotal = sum(parts)\ntotal * 2\n")
    proc = run_script(nb)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["12", "total 6"]


def test_failing_cell_exits_nonzero_and_names_its_line(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n\n# %%\ny = 1 / 0\n\n# %%\nz = y + 1\n\n# %%\nprint('independent ran')\n")
    proc = run_script(nb)
    assert proc.returncode == 1
    assert f"{nb}:5: error" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    assert "independent ran" in proc.stdout  # an unrelated cell still runs


def test_syntax_error_fails_but_other_cells_run(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = (\n\n# %%\nprint('still here')\n")
    proc = run_script(nb)
    assert proc.returncode == 1
    assert "still here" in proc.stdout


def test_markdown_cells_are_skipped_and_local_imports_work(tmp_path: Path):
    (tmp_path / "helper.py").write_text("VALUE = 41\n")
    nb = tmp_path / "nb.py"
    nb.write_text("# %% [markdown]\n# # Title\n\n# %%\nimport helper\nhelper.VALUE + 1\n")
    proc = run_script(nb)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "42"


def test_json_mode_tags_every_output_with_its_cell(tmp_path: Path):
    import json

    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nprint('total', total)\n\n# %% [markdown]\n# note\n\n# %%\ntotal = 6\ntotal * 2\n\n# %%\n1 / 0\n")
    proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "script", "--current-python", "--json", str(nb)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {"cell": 3, "line": 8, "result": "12"} in records
    printed = "".join(r["text"] for r in records if r.get("cell") == 1 and r.get("stream") == "stdout")
    assert printed == "total 6\n"
    errors = [r for r in records if "error" in r]
    assert [(r["cell"], r["error"]) for r in errors] == [(4, "ZeroDivisionError: division by zero")]


def test_messages_name_cells_by_number_never_by_id(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %% [markdown]\n# Intro\n\n# %%\ndef f(v):\n    return 1 / v\n\n"
                  "# %%\ny = f(0)\n\n# %%\nz = y + 1\n")
    proc = run_script(nb)
    assert proc.returncode == 1
    err = proc.stderr
    assert f"{nb}:9: error: cell 3: ZeroDivisionError: division by zero" in err
    assert 'File "<cell 3>", line 1' in err and 'File "<cell 2>", line 2' in err
    assert f"{nb}:12: error: cell 4: not run: ancestor cell 3 raised ZeroDivisionError" in err
    mentions = re.findall(r"cells? <?([^\s>:,]+)", err)
    assert mentions and all(m.isdigit() for m in mentions), mentions


def test_the_users_no_bytecode_choice_holds_for_the_notebooks_imports(tmp_path: Path):
    """`reflow` keeps its own .pyc whatever PYTHONDONTWRITEBYTECODE says, but a notebook run in this
    process imports the user's modules under the user's choice: no __pycache__ beside them."""
    import os

    (tmp_path / "helper.py").write_text("VALUE = 41\n")
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nimport helper\nprint(helper.VALUE + 1)\n")
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", "--current-python", str(nb)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["42"]
    assert not (tmp_path / "__pycache__").exists()
