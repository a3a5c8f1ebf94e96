"""`reflow export --run` runs the notebook in its own uv environment first (real uv, real PyPI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.uv


def notebook(tmp_path: Path, dependency: str) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = ["{dependency}"]\n# ///\n\n'
        "# %%\nimport sys\n\n# %%\nimport six\nprint(six.__name__, sys.prefix)\n"
    )
    return path


def export(tmp_path: Path, nb: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(tmp_path / "uv"),
        "REFLOW_CACHE_DIR": str(tmp_path / "envs"),
    }
    env.pop("REFLOW_ENVIRONMENTS", None)
    return subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "ipynb", str(nb), "-o", str(out), "--run"],
        capture_output=True,
        text=True,
        env=env,
    )


def test_run_uses_the_notebooks_environment(tmp_path: Path):
    nb = notebook(tmp_path, "six")
    out = tmp_path / "out.ipynb"
    proc = export(tmp_path, nb, out)
    assert proc.returncode == 0, proc.stderr
    exported = nbformat.read(str(out), as_version=4)
    text = "".join(o.get("text", "") for o in exported.cells[1].outputs)
    assert text.startswith("six ")
    assert str((tmp_path / "envs").resolve()) in text  # sys.prefix: the notebook's own environment


def test_unbuildable_environment_fails_clearly_and_writes_nothing(tmp_path: Path):
    nb = notebook(tmp_path, "this-package-does-not-exist-reflow-xyz")
    out = tmp_path / "out.ipynb"
    proc = export(tmp_path, nb, out)
    assert proc.returncode == 1
    assert "this-package-does-not-exist-reflow-xyz" in proc.stderr
    assert "environment could not be prepared" in proc.stderr
    assert not out.exists()
