"""Packages a notebook needs without importing them: matplotlib behind pandas', statsmodels' and networkx's plots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reflow.notebook import read_notebook
from reflow_desktop.importing import import_notebook
from reflow_desktop.importing.implied import implied_packages

code = nbformat.v4.new_code_cell


def _import(tmp_path: Path, *cells: str) -> tuple[list[str], list[str]]:
    """(dependencies of the written block, import messages) of a notebook made of ``cells``."""
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[code(c) for c in cells]), str(path))
    result = import_notebook(path)
    metadata = read_notebook(result.path).metadata
    return (list(metadata.dependencies) if metadata else []), [str(p) for p in result.problems]


STATSMODELS_CELLS = (
    "import numpy as np\nimport statsmodels.api as sm",
    "x = sm.add_constant(np.arange(10.0))\nres = sm.OLS(np.arange(10.0) * 2, x).fit()",
    "fig = sm.graphics.plot_regress_exog(res, 1)",
)


def test_statsmodels_graphics_add_matplotlib(tmp_path: Path) -> None:
    deps, messages = _import(tmp_path, *STATSMODELS_CELLS)
    assert deps == ["numpy", "statsmodels", "matplotlib"]
    assert any("matplotlib (statsmodels plots with it)" in m for m in messages), messages


@pytest.mark.parametrize(
    "cells",
    [
        ("from statsmodels.graphics.tsaplots import plot_acf\nplot_acf([1.0, 2.0, 3.0, 2.0])",),
        ("import statsmodels.api as sm\nsm.qqplot([1.0, 2.0, 3.0])",),
        ("from statsmodels.tsa.seasonal import seasonal_decompose\nseasonal_decompose(series, period=4).plot()",),
        ("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})", "df.plot(kind='bar')"),
        ("import pandas as pd\npd.Series([1, 2]).hist()",),
        ("import pandas as pd\npd.plotting.scatter_matrix(pd.DataFrame({'a': [1]}))",),
        ("import networkx as nx\nnx.draw_networkx(nx.path_graph(3))",),
        ("%matplotlib inline\nimport numpy as np\nnp.arange(3)",),
        ("get_ipython().run_line_magic('matplotlib', 'inline')\nimport numpy as np",),
    ],
)
def test_plotting_without_importing_matplotlib_adds_it(tmp_path: Path, cells: tuple[str, ...]) -> None:
    deps, _ = _import(tmp_path, *cells)
    assert deps.count("matplotlib") == 1 and deps[-1] == "matplotlib", deps


@pytest.mark.parametrize(
    "cells",
    [
        ("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf.describe()",),  # pandas without plots
        ("import numpy as np\nx = np.histogram([1, 2])",),  # not a matplotlib plot
        ("class P:\n    def plot(self): ...\nP().plot()",),  # .plot() of no plotting library
        ("import statsmodels.api as sm\nres = sm.OLS([1.0, 2.0], [1.0, 1.0]).fit()\nres.summary()",),
    ],
)
def test_no_plots_no_matplotlib(tmp_path: Path, cells: tuple[str, ...]) -> None:
    deps, _ = _import(tmp_path, *cells)
    assert "matplotlib" not in deps


def test_matplotlib_imported_or_installed_is_listed_once(tmp_path: Path) -> None:
    deps, _ = _import(tmp_path, "import matplotlib.pyplot as plt\nimport pandas as pd", "pd.Series([1]).plot()")
    assert deps == ["matplotlib", "pandas"]
    deps, _ = _import(tmp_path, "!pip install 'matplotlib<4'", "import pandas as pd\npd.Series([1]).plot()")
    assert deps == ["matplotlib<4", "pandas"]


def test_a_local_matplotlib_is_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "matplotlib.py").write_text("")
    deps, _ = _import(tmp_path, "import pandas as pd\npd.Series([1]).plot()")
    assert deps == ["pandas"]


def test_implied_packages_directly() -> None:
    assert implied_packages(["df.plot()"], [], {"pandas"}) == {"matplotlib": "pandas plots with it"}
    assert implied_packages(["df.plot()"], [], {"pandas", "matplotlib"}) == {}
    assert implied_packages(["df.plot("], ["%matplotlib inline"], {"pandas"}) == {
        "matplotlib": "the notebook uses %matplotlib"
    }  # a cell that does not parse is skipped, the magic still counts


@pytest.mark.uv
def test_imported_statsmodels_notebook_plots_in_its_own_environment(tmp_path: Path) -> None:
    """The whole way: import, then `reflow script` builds the block's environment and the plot cell runs.

    Real uv, packages from uv's cache (statsmodels, numpy, matplotlib), no Python downloads.
    """
    src = tmp_path / "sm-demo.ipynb"
    cells = [
        "%matplotlib inline\nimport numpy as np\nimport statsmodels.api as sm",
        "x = sm.add_constant(np.arange(20.0))\nres = sm.OLS(np.arange(20.0) * 2 + 1, x).fit()",
        "fig = sm.graphics.plot_regress_exog(res, 1)\ntype(fig).__name__",
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=[code(c) for c in cells]), str(src))
    written = import_notebook(src).path
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", REFLOW_CACHE_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    env.pop("REFLOW_ENVIRONMENTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", str(written)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "'Figure'"
