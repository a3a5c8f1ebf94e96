"""marimo import of real notebooks (the tutorials shipped in marimo's wheel)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from reflow.notebook import read_notebook
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
