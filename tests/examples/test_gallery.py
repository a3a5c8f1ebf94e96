"""The example gallery (examples/gallery/): every notebook has a PEP 723 block and a title, is
listed on the docs page, and runs to the end -- in the dev environment with `reflow script
--current-python`, or (Altair, Plotly: from PyPI) in its own uv environment under the uv marker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reflow.notebook import read_notebook
from reflow_desktop.docs.gallery import examples, gallery_dir

GALLERY = Path(__file__).resolve().parents[2] / "examples" / "gallery"

# notebook -> a line its run must print (the dev .venv has what these need)
IN_DEV_ENV = {
    "01_widgets.py": "A **square** of size 5 uses 25 marks.",
    "02_dataframes.py": "1 region(s), revenue 2,637.00",
    "03_plots_matplotlib.py": "<Figure size 600x300 with 1 Axes>",
    "06_caching.py": "[9, 16, 9, 16] computed 2 times for 4 calls",
    "07_packages.py": "Point(x=3, y=4) has norm 5.0",
    "08_app_mode.py": "<tabs of 2>",
}
# these need packages from PyPI (the dev .venv has neither altair nor plotly)
FROM_PYPI = {
    "04_plots_altair.py": "selection: none yet",
    "05_plots_plotly.py": "2 traces of 61 points",
    "chart_selection.py": "<chart plotly selected=0>",
}


def _copy(name: str, tmp_path: Path) -> Path:
    """A copy: a run writes __reflow__/ beside the notebook, never into the shipped examples."""
    dest = tmp_path / name
    shutil.copyfile(GALLERY / name, dest)
    return dest


def _script(nb: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", *extra, "--json", str(nb)],
        capture_output=True,
        text=True,
        cwd=nb.parent,
        env=env,
    )


def _printed(proc: subprocess.CompletedProcess[str]) -> list[str]:
    """What the run printed (streams joined: print writes in pieces) and each cell's result, as lines."""
    text = ""
    for raw in proc.stdout.splitlines():
        record = json.loads(raw)
        assert "error" not in record, record
        text += record["text"] if "text" in record else f"\n{record.get('result', '')}\n"
    return text.splitlines()


def test_every_gallery_notebook_is_tested_and_documented() -> None:
    files = sorted(p.name for p in GALLERY.glob("*.py"))
    assert files == sorted({**IN_DEV_ENV, **FROM_PYPI}), "a gallery notebook without a run test"
    assert gallery_dir() == GALLERY
    listed = {ex.file: ex for ex in examples()}
    assert sorted(listed) == files
    for name in files:
        nb = read_notebook(GALLERY / name)
        assert nb.metadata is not None and nb.metadata.requires_python, f"{name}: no PEP 723 block"
        assert isinstance(nb.metadata.dependencies, list)
        assert nb.cells[0].kind == "markdown" and nb.cells[0].source.startswith("# "), f"{name}: no title"
        assert listed[name].title and listed[name].summary, name


@pytest.mark.parametrize("name", sorted(IN_DEV_ENV))
def test_gallery_notebook_runs_in_the_dev_environment(name: str, tmp_path: Path) -> None:
    nb = _copy(name, tmp_path)
    proc = _script(nb, "--current-python")
    assert proc.returncode == 0, proc.stderr
    printed = _printed(proc)
    assert any(IN_DEV_ENV[name] in line for line in printed), printed


def test_the_caching_example_keeps_its_block_on_disk(tmp_path: Path) -> None:
    nb = _copy("06_caching.py", tmp_path)
    assert _script(nb, "--current-python").returncode == 0
    entries = list((tmp_path / "__reflow__" / "cache" / "primes").glob("*.pkl"))
    assert len(entries) == 1
    again = _script(nb, "--current-python")  # a hit: the block's variables come back from disk
    assert again.returncode == 0, again.stderr
    assert any("2262 primes below 20000" in line for line in _printed(again))
    assert list((tmp_path / "__reflow__" / "cache" / "primes").glob("*.pkl")) == entries


@pytest.mark.uv
@pytest.mark.parametrize("name", sorted(FROM_PYPI))
def test_gallery_notebook_runs_in_its_own_environment(name: str, tmp_path: Path) -> None:
    nb = _copy(name, tmp_path)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "REFLOW_CACHE_DIR": str(tmp_path.parent / "envs")}
    env.pop("REFLOW_ENVIRONMENTS", None)
    proc = _script(nb, env=env)
    if proc.returncode != 0 and "environment could not be prepared" in proc.stderr:
        pytest.skip(f"{name}'s packages could not be installed here")
    assert proc.returncode == 0, proc.stderr
    printed = _printed(proc)
    assert any(FROM_PYPI[name] in line for line in printed), printed
