"""The imported notebook's PEP 723 block lists what its cells import and install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reflow.notebook import read_notebook
from reflow.notebook.pep723 import parse_block_text
from reflow_desktop.importing import import_notebook
from reflow_desktop.importing.dependencies import detect_dependencies

code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell


def _write(path: Path, cells: list, **metadata) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    nbformat.write(nb, str(path))
    return path


def _science(tmp_path: Path) -> Path:
    (tmp_path / "helpers.py").write_text("def f():\n    return 1\n")
    (tmp_path / "mylib").mkdir()
    (tmp_path / "mylib" / "__init__.py").write_text("")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "tools.py").write_text("")
    return _write(tmp_path / "02.01-Science.ipynb", [
        md("# Science"),
        code("!pip install -q 'pandas==2.2.2' 'scikit-learn>=1.3' opencv-python-headless"),
        code("%matplotlib inline\nfrom __future__ import annotations\nimport os, sys, json\n"
             "import numpy as np\nimport pandas as pd\nfrom sklearn.linear_model import LinearRegression"),
        code("import cv2\nfrom PIL import Image\nimport yaml\nfrom bs4 import BeautifulSoup\n"
             "from skimage import io\nfrom mpl_toolkits.mplot3d import Axes3D\nimport matplotlib.pyplot as plt"),
        code("import helpers, mylib\nsys.path.append('src')\nimport tools\nimport reflow\nfrom . import sibling"),
        code("try:\n    import ujson as fastjson\nexcept ImportError:\n    fastjson = None"),
        code("%%writefile generated.py\nVALUE = 1"),
        code("import generated\nimport urllib2\nfrom google.colab import drive\n\ndef later():\n    import seaborn"),
        code("%conda install -c conda-forge -y xarray=2024.1"),
    ], language_info={"name": "python", "version": "3.12.4"})


EXPECTED = ["pandas==2.2.2", "scikit-learn>=1.3", "opencv-python-headless", "xarray==2024.1.*",
            "numpy", "pillow", "pyyaml", "beautifulsoup4", "scikit-image", "matplotlib", "seaborn"]


def test_block_lists_imports_and_installs(tmp_path: Path):
    result = import_notebook(_science(tmp_path))
    assert result.path == tmp_path / "02.01-Science.py"
    nb = read_notebook(result.path)  # the engine's parser accepts the block
    assert nb.metadata is not None
    assert nb.metadata.requires_python == ">=3.11"
    assert nb.metadata.dependencies == EXPECTED
    messages = [str(p) for p in result.problems]
    assert any("scikit-image (import skimage)" in m for m in messages)
    assert any("local modules" in m and "helpers" in m and "tools" in m for m in messages)


def test_block_is_valid_pep_723_for_uv(tmp_path: Path):
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.skip("uv not installed")
    written = import_notebook(_science(tmp_path)).path
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_OFFLINE": "1", "UV_NO_CONFIG": "1"}
    # uv parses the block to add to it (no resolution for scripts): a malformed block fails here
    proc = subprocess.run([uv, "add", "--script", str(written), "--offline", "--frozen", "tomli"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert read_notebook(written).metadata.dependencies == [*EXPECTED, "tomli"]


def test_no_third_party_imports_no_block(tmp_path: Path):
    src = _write(tmp_path / "plain.ipynb", [code("import math\nprint(math.pi)")])
    result = import_notebook(src)
    assert read_notebook(result.path).metadata is None  # runs in the shared default environment
    assert "# /// script" not in result.path.read_text()


def test_declared_dependencies_are_trusted(tmp_path: Path):
    block = '# /// script\n# requires-python = ">=3.12"\n# dependencies = ["polars"]\n# ///'
    src = _write(tmp_path / "juv.ipynb", [code(block), code("import polars\nimport numpy")])
    nb = import_notebook(src).notebook
    assert nb.metadata.dependencies == ["polars"] and nb.metadata.requires_python == ">=3.12"


@pytest.mark.parametrize("metadata, level, needle", [
    ({"language_info": {"name": "python", "version": "3.6.8"}}, "info", "Python 3.6"),
    ({"kernelspec": {"name": "python2", "language": "python", "display_name": "Python 2"}}, "warning", "Python 2"),
    ({"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}, "language_info": {"name": "R"}},
     "warning", "r kernel"),
])
def test_python_version_in_metadata_is_reported(tmp_path: Path, metadata: dict, level: str, needle: str):
    src = _write(tmp_path / "old.ipynb", [code("import requests")], **metadata)
    result = import_notebook(src)
    assert result.notebook.metadata.requires_python == ">=3.11"
    assert any(p.level == level and needle in p.message for p in result.problems), result.problems


def test_detect_dependencies_directly(tmp_path: Path):
    found = detect_dependencies(["import sklearn.svm\nimport cv2\nimport mpl_toolkits.basemap"], tmp_path,
                                declared=["opencv-contrib-python==4.9"])
    assert found.requirements == ["scikit-learn", "basemap"]
    assert found.reasons == {"scikit-learn": "sklearn.svm", "basemap": "mpl_toolkits.basemap"}


def test_block_text_round_trips(tmp_path: Path):
    nb = import_notebook(_science(tmp_path)).notebook
    assert parse_block_text(nb.metadata.raw) == nb.metadata.data


def test_modules_the_notebook_downloads_or_runs_are_not_packages(tmp_path: Path):
    src = _write(tmp_path / "chap08.ipynb", [
        code("def download(url):\n    pass\n\ndownload('https://github.com/AllenDowney/ModSimPy/raw/master/' +\n"
             "         'modsim.py')"),
        code("!wget -q https://example.org/lib/helper.py"),
        code("%run initialise.py"),
        code("from modsim import *\nfrom helper import l2_norm\nimport initialise\nimport numpy"),
    ])
    assert import_notebook(src).notebook.metadata.dependencies == ["numpy"]
