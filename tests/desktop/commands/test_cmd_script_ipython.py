"""`reflow script` prints results as IPython would, and `get_ipython()` works, when IPython is there.

Without IPython (a bare venv: no packages at all) results are ``repr`` and a cell
calling ``get_ipython()`` fails with an error that names the cell and says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRETTY = """# %%
def f(a, b=2):
    return a
f

# %%
class P:
    def _repr_pretty_(self, p, cycle):
        p.text("pretty!")
P()
"""
MAGICS = """# %%
from IPython.core.magic import register_cell_magic

@register_cell_magic
def shout(line, cell):
    return cell.strip().upper()

# %%
get_ipython().run_line_magic("time", "y = 21 * 2")
y

# %%
get_ipython().run_cell_magic("shout", "", "hello")
"""


def run_current(python: str, nb: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The runner in ``python`` (this interpreter or a bare venv), engine and commands on PYTHONPATH."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))
    return subprocess.run(
        [python, "-m", "reflow_desktop.commands.script", "--current-python", *extra, str(nb)],
        capture_output=True,
        text=True,
        cwd=nb.parent,
        env=env,
    )


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real venv with nothing installed (so no IPython), made by uv from this interpreter."""
    import uv

    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run(
        [uv.find_uv_bin(), "venv", "--quiet", "--python", sys.executable, str(venv)],
        check=True,
        env=dict(os.environ, UV_PYTHON_DOWNLOADS="never"),
    )
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    assert subprocess.run([str(python), "-c", "import IPython"], capture_output=True).returncode != 0
    return str(python)


def test_results_use_ipython_display_formatter(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(PRETTY)
    proc = run_current(sys.executable, nb)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["<function __main__.f(a, b=2)>", "pretty!"]


def test_json_results_are_ipython_text_too(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(PRETTY)
    proc = run_current(sys.executable, nb, "--json")
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line)["result"] for line in proc.stdout.splitlines()]
    assert results == ["<function __main__.f(a, b=2)>", "pretty!"]


def test_get_ipython_magics_work(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(MAGICS)
    proc = run_current(sys.executable, nb)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-2:] == ["42", "'HELLO'"]
    assert any(line.startswith("Wall time:") for line in lines)  # %time really ran


@pytest.mark.uv
def test_without_ipython_results_are_repr(tmp_path: Path, bare_python: str) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(PRETTY)
    proc = run_current(bare_python, nb)
    assert proc.returncode == 0, proc.stderr
    function, plain = proc.stdout.splitlines()
    assert function.startswith("<function f at 0x") and plain.startswith("<__main__.P object at 0x")


@pytest.mark.uv
def test_without_ipython_get_ipython_fails_naming_the_cell(tmp_path: Path, bare_python: str) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n\n# %%\nget_ipython().run_line_magic('time', 'y = 1')\n\n# %%\nprint('after', x)\n")
    proc = run_current(bare_python, nb)
    assert proc.returncode == 1
    assert (
        f"{nb}:5: error: cell 2: NameError: name 'get_ipython' is not defined "
        "(get_ipython() needs IPython, which is not installed in this environment)"
    ) in proc.stderr
    assert proc.stdout == "after 1\n"  # cells that do not need it still run


def test_installed_layout_runs_from_a_copy_of_the_command_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a checkout the package sits in site-packages: only its command modules go on the child's path."""
    from reflow_desktop import resources
    from reflow_desktop.commands import script

    monkeypatch.setattr(resources, "is_checkout", lambda: False)
    copy = script._child_code_path(tmp_path / "copy")
    assert copy == tmp_path / "copy"
    assert sorted(p.name for p in copy.iterdir()) == ["reflow_desktop"]
    assert sorted(p.name for p in (copy / "reflow_desktop").iterdir()) == ["__init__.py", "commands"]
    nb = tmp_path / "nb.py"
    nb.write_text(PRETTY)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(copy)]))
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import os, sys; sys.path[:0] = sys.argv[1].split(os.pathsep); "
            "from reflow_desktop.commands.script import main; print(sys.modules['reflow_desktop'].__file__); "
            "raise SystemExit(main(['--current-python', sys.argv[2]]))",
            env["PYTHONPATH"],
            str(nb),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    first, *results = proc.stdout.splitlines()
    assert first == str(copy / "reflow_desktop" / "__init__.py")  # the copy, not the checkout
    assert results == ["<function __main__.f(a, b=2)>", "pretty!"]
