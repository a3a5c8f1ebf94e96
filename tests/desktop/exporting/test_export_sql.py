"""SQL cells leave Reflow as Python calling duckdb: `reflow export script`, .ipynb and `reflow script`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reflow.notebook import parse_notebook
from reflow_desktop.exporting import notebook_to_ipynb
from reflow_desktop.exporting.script import notebook_to_script

pytest.importorskip("duckdb")
pytest.importorskip("pandas")

NOTEBOOK = """\
# %%
print(int(doubled["b"].sum()))

# %% [sql] name="doubled"
# SELECT a * 2 AS b FROM df WHERE a > {low}

# %%
import pandas as pd
low = 1
df = pd.DataFrame({"a": [1, 2, 3]})
"""


def test_exported_script_runs_the_query_in_execution_order(tmp_path: Path):
    script = notebook_to_script(parse_notebook(NOTEBOOK))
    assert "import duckdb" in script and "[sql]" not in script
    path = tmp_path / "flat.py"
    path.write_text(script)
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "10"


def test_ipynb_export_has_runnable_python_and_keeps_the_sql_options(tmp_path: Path):
    data = notebook_to_ipynb(parse_notebook(NOTEBOOK))
    nbformat.validate(nbformat.from_dict(data))
    sql = data["cells"][1]
    source = "".join(sql["source"])
    assert sql["cell_type"] == "code" and "duckdb.sql(" in source and source.rstrip().endswith("doubled")
    assert sql["metadata"]["reflow"]["options"] == {"name": "doubled", "language": "sql"}
    compile(source, "<cell>", "exec")


def test_reflow_script_runs_sql_cells(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", "--current-python", str(nb)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "10" in proc.stdout.splitlines()
