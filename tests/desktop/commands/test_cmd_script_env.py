"""`reflow script` runs a notebook in its own uv environment (built from its PEP 723 block), as the app does.

Real uv, no Python downloads; the one package (sympy, with mpmath) comes through
uv's cache, so the environment is small. ``--current-python`` keeps the old way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.uv

NOTEBOOK = """# /// script
# requires-python = ">=3.11"
# dependencies = ["sympy"]
# ///

# %%
import sys
print(sys.prefix)

# %%
import sympy
sympy.init_printing(use_unicode=True)
x = sympy.Symbol("x")
x**2 / 3
"""
SYMPY_PRETTY = " 2\nx \n──\n3 "  # what IPython prints once init_printing ran; repr would be x**2/3


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Reflow cache for the module: the environment builds once and is reused."""
    return tmp_path_factory.mktemp("reflow-cache")


def script(nb: Path, cache_root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", REFLOW_CACHE_DIR=str(cache_root))
    env.pop("REFLOW_ENVIRONMENTS", None)
    return subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "script", *extra, str(nb)],
        capture_output=True,
        text=True,
        cwd=nb.parent,
        env=env,
    )


def test_runs_in_the_notebooks_own_environment(tmp_path: Path, cache_root: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    proc = script(nb, cache_root)
    assert proc.returncode == 0, proc.stderr
    prefix, _, pretty = proc.stdout.partition("\n")
    assert Path(prefix).parent == cache_root / "envs"  # the environment, not this interpreter
    assert (Path(prefix) / ".reflow-env.json").is_file()
    assert pretty == SYMPY_PRETTY + "\n"  # IPython (ipykernel's) formatter with sympy's printers

    again = script(nb, cache_root, "--json")  # reused: same environment, no build
    assert again.returncode == 0, again.stderr
    records = [json.loads(line) for line in again.stdout.splitlines()]
    assert "".join(r.get("text", "") for r in records if r["cell"] == 1) == prefix + "\n"
    assert records[-1] == {"cell": 2, "line": 11, "result": SYMPY_PRETTY}
    assert "Creating environment" not in again.stderr


def test_current_python_option_runs_here(tmp_path: Path, cache_root: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# /// script\n# dependencies = []\n# ///\n\n# %%\nimport sys\nprint(sys.prefix)\n")
    proc = script(nb, cache_root, "--current-python")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == sys.prefix + "\n"


def test_unbuildable_environment_fails_clearly_and_runs_nothing(tmp_path: Path, cache_root: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(
        '# /// script\n# requires-python = ">=3.11"\n# dependencies = ["reflow-no-such-package-xyz"]\n'
        "# ///\n\n# %%\nprint('ran')\n"
    )
    proc = script(nb, cache_root)
    assert proc.returncode == 1
    assert f"{nb}: error: the notebook's environment could not be built" in proc.stderr
    assert "reflow-no-such-package-xyz" in proc.stderr  # uv's own words say which package
    assert "ran" not in proc.stdout
