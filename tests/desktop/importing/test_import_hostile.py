"""Hostile .ipynb files: a clear error naming the file, the original untouched, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from reflow_desktop.importing import NotebookImportError, import_notebook


def _attempt(tmp_path: Path, name: str, data: bytes) -> str:
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(NotebookImportError) as info:
        import_notebook(src)
    assert src.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == [name]  # nothing written beside it
    assert str(src) in str(info.value)
    return str(info.value)


@pytest.mark.parametrize("data, needle", [
    (b"{not json", "invalid JSON"),
    (b"[1, 2]", "not a Jupyter notebook"),
    (b'{"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}', "nbformat version 5"),
    (b'{"nbformat": "4", "nbformat_minor": 5, "cells": [], "metadata": {}}', "nbformat version"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {"a": '
     + b"[" * 200_000 + b"]" * 200_000 + b'}, "cells": []}', "nested too deeply"),
])
def test_clear_error_naming_the_file(tmp_path: Path, data: bytes, needle: str):
    assert needle in _attempt(tmp_path, "bad.ipynb", data)


def test_too_big_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from reflow_desktop.importing import ipynb

    monkeypatch.setattr(ipynb, "MAX_BYTES", 1000)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n" * 500)])
    assert "MB" in _attempt(tmp_path, "big.ipynb", nbformat.writes(nb).encode())


def test_nbformat_3_is_upgraded(tmp_path: Path):
    data = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "old"}, "worksheets": [{"metadata": {}, "cells": [
        {"cell_type": "heading", "level": 1, "source": "Old", "metadata": {}},
        {"cell_type": "code", "input": "x = 1", "language": "python", "outputs": [], "metadata": {}},
    ]}]}
    src = tmp_path / "old.ipynb"
    src.write_text(json.dumps(data))
    nb = import_notebook(src).notebook
    assert [(c.kind, c.source) for c in nb.cells] == [("markdown", "# Old"), ("code", "x = 1")]


def test_schema_violation_is_a_warning_and_the_cells_are_kept(tmp_path: Path):
    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "x = 1"},  # no metadata, outputs, execution_count
        {"cell_type": "markdown", "source": ["# Title"]},
    ]}
    src = tmp_path / "sloppy.ipynb"
    src.write_text(json.dumps(data))
    result = import_notebook(src)
    assert [(c.kind, c.source) for c in result.notebook.cells] == [("code", "x = 1"), ("markdown", "# Title")]
    assert any(p.level == "warning" and "schema" in p.message for p in result.problems)


def test_deep_but_legal_metadata_imports(tmp_path: Path):
    nested: dict = {}
    node = nested
    for _ in range(200):
        node["k"] = {}
        node = node["k"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("y = 2")], metadata={"deep": nested})
    src = tmp_path / "deep.ipynb"
    nbformat.write(nb, str(src))
    assert import_notebook(src).notebook.cells[0].source == "y = 2"


def test_cli_output_is_only_reflows_own_report(tmp_path: Path):
    import subprocess
    import sys

    data = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None},
    ]}  # no cell id: nbformat repairs it with a warning of its own
    src = tmp_path / "noid.ipynb"
    src.write_text(json.dumps(data))
    proc = subprocess.run([sys.executable, "-W", "default", "-m", "reflow_desktop.cli", "import", str(src)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "Warning" not in proc.stderr, proc.stderr
