"""marimo import of real notebooks (the tutorials shipped in marimo's wheel)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from reflow.analysis import analyze_cell
from reflow.graph import DataflowGraph
from reflow.notebook import read_notebook
from reflow.runtime import CollectingSink, Runtime
from reflow_desktop.importing import convert_marimo, detect, import_notebook

marimo = pytest.importorskip("marimo")
TUTORIALS = Path(marimo.__file__).parent / "_tutorials"


def _tutorial(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    target.write_bytes((TUTORIALS / name).read_bytes())
    return target


def test_markdown_tutorial_keeps_cells_and_markdown(tmp_path: Path):
    src = _tutorial(tmp_path, "markdown.py")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    assert detect(src) == "marimo"
    result = import_notebook(src)
    assert result.path == tmp_path / "markdown_reflow.py"  # the source itself is nb.py
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    nb = read_notebook(result.path)
    tree = ast.parse(src.read_text())
    n_cells = sum(1 for node in tree.body if isinstance(node, ast.FunctionDef)
                  and any("app.cell" in ast.unparse(d) for d in node.decorator_list))
    md = [c for c in nb.cells if c.kind == "markdown"]
    assert md[0].source.startswith("# Hello, Markdown!")
    assert "mo.md" not in md[0].source.splitlines()[0]
    assert len(nb.cells) >= n_cells - 1  # only empty cells are dropped
    for cell in nb.cells:
        if cell.kind == "code":
            ast.parse(cell.source)
            assert not cell.source.lstrip().startswith("return")
    assert "marimo" in " ".join(nb.metadata.dependencies)  # code still uses mo.*


def test_fileformat_tutorial_setup_functions_and_classes(tmp_path: Path):
    nb = import_notebook(_tutorial(tmp_path, "fileformat.py")).notebook
    sources = [c.source for c in nb.cells]
    assert sources[0] == "import dataclasses\nimport random"  # with app.setup:
    assert any(s.startswith("def roll_die():") for s in sources)  # @app.function
    assert any(s.startswith("@dataclasses.dataclass\nclass SimulationExample") for s in sources)
    assert not any("@app." in s.splitlines()[0] for s in sources if s)


def test_every_tutorial_converts_to_parsable_cells():
    for path in sorted(TUTORIALS.glob("*.py")):
        if path.name == "__init__.py":
            continue
        result = convert_marimo(path.read_text(), path)
        assert result.notebook.cells, path.name
        for cell in result.notebook.cells:
            if cell.kind == "code":
                ast.parse(cell.source)


def test_small_notebook_exactly(tmp_path: Path):
    text = '''import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    return (mo,)


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Title

    Some **text**.
    """)
    return


@app.cell
def compute():
    # a comment above the code
    x = 1
    y = x + 1
    return x, y


@app.cell
def _(y):
    y * 2
    return


@app.cell
def _():
    return


if __name__ == "__main__":
    app.run()
'''
    result = convert_marimo(text, tmp_path / "nb.py")
    cells = [(c.kind, c.source, c.options) for c in result.notebook.cells]
    assert cells == [
        ("markdown", "# Title\n\nSome **text**.", {}),
        ("code", "# a comment above the code\nx = 1\ny = x + 1", {"name": "compute"}),
        ("code", "y * 2", {}),
    ]  # the unused `import marimo as mo` cell and the empty cell are gone
    assert result.notebook.metadata is None


OUT_OF_ORDER = '''import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _(mo, n):
    mo.stop(n > 3, {output})
    doubled = n * 2
    return (doubled,)


@app.cell
def _(doubled):
    shown = f"doubled={{doubled}}"
    return (shown,)


@app.cell
def _():
    n = 5
    return (n,)


@app.cell
def _():
    import marimo as mo
    return (mo,)


if __name__ == "__main__":
    app.run()
'''


def _run_in_reflow(nb) -> tuple[CollectingSink, dict]:
    sink = CollectingSink()
    rt = Runtime(sink)
    rt.set_cells([(c.id, c.source) for c in nb.cells if c.kind == "code"])
    rt.run_all()
    return sink, rt.namespace


def test_mo_stop_becomes_reflow_stop_and_cells_come_in_execution_order(tmp_path: Path):
    src = tmp_path / "stops.py"
    src.write_text(OUT_OF_ORDER.format(output='"too big"'))
    result = import_notebook(src)
    nb = read_notebook(result.path)
    sources = [c.source for c in nb.cells]
    assert sources[0] == "import reflow"  # mo is no longer used: marimo is not imported or needed
    assert not any("marimo" in s for s in sources) and nb.metadata is None
    stop_cell = next(s for s in sources if "stop(" in s)
    assert stop_cell.splitlines()[0] == 'reflow.stop(n > 3, "too big")'
    assert sources.index("n = 5") < sources.index(stop_cell) < sources.index('shown = f"doubled={doubled}"')
    graph = DataflowGraph()
    for c in nb.cells:
        graph.set_cell(c.id, analyze_cell(c.source))
    graph.set_display_order([c.id for c in nb.cells])
    assert graph.display_order_violations() == []  # `python nb.py` order is valid
    assert any("reordered" in p.message for p in result.problems)
    # in Reflow's runtime it stops quietly, like mo.stop in marimo: no error, descendants do not run
    sink, namespace = _run_in_reflow(nb)
    stop_id = next(c.id for c in nb.cells if c.source == stop_cell)
    shown_id = next(c.id for c in nb.cells if c.source.startswith("shown"))
    assert sink.outputs.get(stop_id) == "too big" and sink.last_status(stop_id) == "idle"
    assert stop_id not in sink.errors
    assert "stopped with reflow.stop" in sink.errors[shown_id].message
    assert "doubled" not in namespace and "shown" not in namespace


def test_mo_stop_next_to_other_marimo_use_keeps_marimo(tmp_path: Path):
    src = tmp_path / "stops2.py"
    src.write_text(OUT_OF_ORDER.format(output='mo.md("**too big**")'))
    nb = import_notebook(src).notebook
    sources = [c.source for c in nb.cells]
    assert "import marimo as mo\nimport reflow" in sources
    assert any(s.startswith('reflow.stop(n > 3, mo.md("**too big**"))') for s in sources)
    assert "marimo" in nb.metadata.dependencies


def test_tutorials_come_out_in_a_valid_order():
    for path in sorted(TUTORIALS.glob("*.py")):
        if path.name in ("__init__.py", "dataflow.py"):  # dataflow.py shows cycles on purpose
            continue
        nb = convert_marimo(path.read_text(), path).notebook
        graph = DataflowGraph()
        for c in nb.cells:
            graph.set_cell(c.id, analyze_cell(c.source if c.kind == "code" else ""))
        graph.set_display_order([c.id for c in nb.cells])
        assert graph.display_order_violations() == [], path.name


def test_a_marimo_notebook_without_a_block_gets_one_from_its_imports(tmp_path: Path):
    src = tmp_path / "plain_marimo.py"
    src.write_text(OUT_OF_ORDER.format(output='"too big"').replace(
        "    n = 5\n", "    import numpy as np\n    from sklearn import svm\n    n = 5\n"))
    nb = import_notebook(src).notebook
    assert nb.metadata is not None and nb.metadata.dependencies == ["numpy", "scikit-learn"]
    keep = import_notebook(_tutorial(tmp_path, "fileformat.py")).notebook  # a block of its own is kept as written
    assert keep.metadata.data == {"requires-python": ">=3.12", "dependencies": ["marimo"]}
