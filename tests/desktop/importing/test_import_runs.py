"""A Jupyter notebook full of IPython syntax imports into a notebook that runs as a plain script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from reflow.runtime import CollectingSink, Runtime
from reflow_desktop.importing import import_notebook

ENGINE = Path(__file__).resolve().parents[3] / "engine"
code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell


def _everything() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[
        md("# Everything IPython"),
        code("!pip install -q rich\n%load_ext autoreload\n%autoreload 2"),
        code("%matplotlib inline\n%config InlineBackend.figure_format = 'retina'\nimport json"),
        code("%env MODE=test\n%time total = sum(range(10))\nprint(os_mode := __import__('os').environ['MODE'])"),
        code("%%writefile shapes.py\ndef area(r):\n    return 3 * r * r"),
        code("import shapes\n%timeit -n 1 -r 1 shapes.area(2)\nprint('area', shapes.area(2))"),
        code("%%time\ndoubled = total * 2\nprint('doubled', doubled)"),
        code("json.dumps?\nfiles = !ls\nfor i in range(2):\n    !echo {i}\nprint('done', total)"),
        code("%%bash\necho from-bash"),
        code("%%html\n<b>shown</b>"),
    ])


def test_converted_notebook_runs_top_to_bottom(tmp_path: Path):
    nb = _everything()
    src = tmp_path / "05.02-Everything.ipynb"
    nbformat.write(nb, str(src))
    result = import_notebook(src)
    assert result.path == tmp_path / "05.02-Everything.py"
    # shapes is written by the notebook; %matplotlib inline needs matplotlib in IPython, so it is implied
    assert result.notebook.metadata.dependencies == ["rich", "ipython", "matplotlib"]
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    proc = subprocess.run([sys.executable, str(result.path)], cwd=tmp_path, capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["test", "area 12", "doubled 90", "done 45", "from-bash"]
    assert (tmp_path / "shapes.py").read_text() == "def area(r):\n    return 3 * r * r\n"


def test_converted_notebook_runs_in_the_reactive_runtime(tmp_path: Path, monkeypatch):
    src = tmp_path / "everything.ipynb"
    nbformat.write(_everything(), str(src))
    nb = import_notebook(src).notebook
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    sink = CollectingSink()
    runtime = Runtime(sink)
    runtime.set_cells([(c.id, c.source) for c in nb.cells if c.kind == "code"])
    runtime.run_all()
    assert sink.errors == {}
    assert runtime.namespace["doubled"] == 90
    assert "".join(t for cid, name, t in _streams(sink) if name == "stdout").splitlines() == [
        "test", "area 12", "doubled 90", "done 45", "from-bash"]


def _streams(sink: CollectingSink) -> list[tuple[str, str, str]]:
    return [(e[1], e[2], e[3]) for e in sink.events if e[0] == "stream"]
