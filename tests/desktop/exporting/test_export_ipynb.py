"""ipynb export: nbformat-valid, real MIME bundles, round trip back to the same cells."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import fresh_python_probe

from reflow.notebook import parse_notebook, read_notebook
from reflow_desktop.exporting import notebook_to_ipynb, write_ipynb
from reflow_desktop.exporting.ipynb import dumps, validate
from reflow_desktop.exporting.outputs import data, error, stream
from reflow_desktop.importing import convert_ipynb, import_notebook

ROOT = Path(__file__).resolve().parents[3]
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

SOURCE = """# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas>=2", "numpy"]
# [tool.reflow]
# runtime = "lazy"
# ///

# %% [markdown]
# # Title
#
# Some *text*.

# %% Inputs
x = 21

# %% hide_code=true
y = x * 2
y

# %%
print("hello")
display_me = {"a": [1, 2]}
"""


def _nb():
    return parse_notebook(SOURCE)


def _outputs(nb):
    c = [c.id for c in nb.cells]
    return {
        c[2]: [data({"text/plain": "42", "text/html": "<b>42</b>"})],
        c[3]: [
            stream("stdout", "hel"),
            stream("stdout", "lo\n"),
            stream("stderr", "warn\n"),
            data({"image/png": PNG, "text/plain": "<Figure>"}),
            data({"application/json": {"a": [1, 2]}, "text/plain": "{'a': [1, 2]}"}),
            error(
                "ZeroDivisionError: division by zero",
                ename="ZeroDivisionError",
                traceback=(
                    'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero\n'
                ),
            ),
        ],
    }


def test_export_is_valid_nbformat_45_with_kernelspec_and_ids():
    nb = _nb()
    out = notebook_to_ipynb(nb, _outputs(nb))
    validate(out)
    parsed = nbformat.reads(dumps(out), as_version=4)
    nbformat.validate(parsed)
    assert (out["nbformat"], out["nbformat_minor"]) == (4, 5)
    assert out["metadata"]["kernelspec"]["name"] == "python3"
    assert out["metadata"]["language_info"]["name"] == "python"
    ids = [c["id"] for c in out["cells"]]
    assert len(set(ids)) == len(ids)
    assert [c["cell_type"] for c in out["cells"]] == ["markdown", "code", "code", "code"]


def test_pep723_block_is_kept_in_metadata():
    out = notebook_to_ipynb(_nb())
    meta = out["metadata"]["reflow"]
    assert meta["dependencies"] == ["pandas>=2", "numpy"]
    assert meta["script_metadata"].startswith("# /// script\n")
    assert 'runtime = "lazy"' in meta["script_metadata"]


def test_outputs_are_real_mime_bundles():
    nb = _nb()
    cells = notebook_to_ipynb(nb, _outputs(nb))["cells"]
    result = cells[2]["outputs"]
    assert result == [
        {
            "output_type": "execute_result",
            "execution_count": cells[2]["execution_count"],
            "data": {"text/plain": ["42"], "text/html": ["<b>42</b>"]},
            "metadata": {},
        }
    ]
    assert cells[2]["metadata"]["jupyter"] == {"source_hidden": True}
    outs = cells[3]["outputs"]
    assert [o["output_type"] for o in outs] == ["stream", "stream", "display_data", "display_data", "error"]
    assert "".join(outs[0]["text"]) == "hello\n"  # adjacent stdout chunks merged
    assert outs[1]["name"] == "stderr"
    assert outs[2]["data"]["image/png"] == PNG  # base64 string, not split
    assert outs[3]["data"]["application/json"] == {"a": [1, 2]}  # JSON stays JSON
    err = outs[4]
    assert (err["ename"], err["evalue"]) == ("ZeroDivisionError", "division by zero")
    assert err["traceback"][-1] == "ZeroDivisionError: division by zero"


def test_execution_counts_follow_execution_order():
    nb = parse_notebook("# %%\nprint(b)\n\n# %%\nb = 1\nb\n")
    o = {nb.cells[0].id: [stream("stdout", "1\n")], nb.cells[1].id: [data({"text/plain": "1"})]}
    cells = notebook_to_ipynb(nb, o)["cells"]
    assert [c["execution_count"] for c in cells] == [2, 1]


def test_cells_without_outputs_have_null_count():
    cells = notebook_to_ipynb(_nb())["cells"]
    assert all(c["execution_count"] is None and c["outputs"] == [] for c in cells if c["cell_type"] == "code")


def test_round_trip_reflow_ipynb_reflow_keeps_cells(tmp_path: Path):
    nb = _nb()
    target = tmp_path / "nb.ipynb"
    write_ipynb(nb, target, _outputs(nb))
    back = convert_ipynb(json.loads(target.read_text()), target)
    assert back.problems == []
    assert [(c.kind, c.source, c.options) for c in back.notebook.cells] == [
        (c.kind, c.source, c.options) for c in nb.cells
    ]
    assert back.notebook.metadata is not None
    assert back.notebook.metadata.raw == nb.metadata.raw
    assert back.notebook.runtime_mode == "lazy"


def test_round_trip_of_the_examples(tmp_path: Path):
    for example in sorted((ROOT / "examples").glob("*.py")):
        nb = read_notebook(example)
        target = tmp_path / (example.stem + ".ipynb")
        write_ipynb(nb, target)
        result = import_notebook(target, tmp_path / (example.stem + ".py"))
        again = read_notebook(result.path)
        assert [(c.kind, c.source, c.options) for c in again.cells] == [
            (c.kind, c.source, c.options) for c in nb.cells
        ], example.name
        assert again.metadata.data == nb.metadata.data


def test_cli_export_ipynb_with_run(tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nprint('hi')\n\n# %%\nx = 6 * 7\nx\n")
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "ipynb", str(nb), "-o", str(out), "--run"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    book = nbformat.read(out, as_version=4)
    nbformat.validate(book)
    assert book.cells[0].outputs[0]["text"] == "hi\n"
    assert book.cells[1].outputs[0]["output_type"] == "execute_result"
    assert book.cells[1].outputs[0]["data"]["text/plain"] == "42"


def test_nbconvert_executes_the_export(tmp_path: Path):
    pytest.importorskip("nbconvert")
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent))
    if jupyter is None:
        pytest.skip("jupyter command not installed")
    out = tmp_path / "chain.ipynb"
    write_ipynb(read_notebook(ROOT / "examples" / "chain.py"), out)
    proc = subprocess.run(
        [jupyter, "nbconvert", "--to", "notebook", "--execute", str(out), "--output", str(tmp_path / "executed.ipynb")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    assert any(o.get("name") == "stdout" for c in executed.cells if c.cell_type == "code" for o in c.outputs)


def test_validate_rejects_what_nbformat_rejects():
    from reflow_desktop.exporting.ipynb import IpynbSchemaError

    nb = _nb()
    out = notebook_to_ipynb(nb, _outputs(nb))
    broken = {**out, "cells": [{**out["cells"][0], "cell_type": "codez"}, *out["cells"][1:]]}
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nbformat.from_dict(broken))
    with pytest.raises(IpynbSchemaError):
        validate(broken)


def test_an_ipynb_export_never_imports_nbformat(tmp_path):
    """nbformat's import loads jsonschema's format checkers (seconds where rfc3987-syntax is installed)."""
    path = tmp_path / "nb.py"
    path.write_text("# %%\nx = 1\n")
    probe = (
        "import json, sys\nfrom reflow_desktop.cli import main\n"
        "code = main(['export', 'ipynb', sys.argv[1], '-o', sys.argv[2]])\n"
        "print(json.dumps([code, [m for m in ('nbformat', 'jsonschema') if m in sys.modules]]))"
    )
    assert fresh_python_probe(probe, str(path), str(tmp_path / "nb.ipynb")) == [0, []]
    nbformat.validate(nbformat.read(str(tmp_path / "nb.ipynb"), as_version=4))
