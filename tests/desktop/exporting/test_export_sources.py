"""Where exported outputs come from: the sidecar only when current for every cell."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from helpers import fresh_python_probe

from reflow.notebook import read_notebook
from reflow_desktop import sidecar
from reflow_desktop.exporting.sources import sidecar_outputs

NB = "# %%\nx = 1\nprint(x)\n\n# %% [markdown]\n# note\n\n# %%\ny = x + 1\ny\n"


def _save(nb_path: Path) -> None:
    nb = read_notebook(nb_path)
    code = [c for c in nb.cells if c.kind == "code"]
    outs = [[{"kind": "stream", "name": "stdout", "text": "1\n"}], [{"kind": "data", "data": {"text/plain": "2"}}]]
    records = [
        sidecar.CellRecord(code_hash=sidecar.code_hash(c.source), outputs=o) for c, o in zip(code, outs, strict=True)
    ]
    sidecar.SidecarStore(nb_path).save(sidecar.SidecarData(notebook=nb_path.name, cells=records))


def test_current_sidecar_outputs_are_used(tmp_path: Path):
    path = tmp_path / "nb.py"
    path.write_text(NB)
    _save(path)
    nb = read_notebook(path)
    outs = sidecar_outputs(path, nb)
    assert outs is not None
    assert [outs[c.id] for c in nb.cells if c.kind == "code"][1] == [{"kind": "data", "data": {"text/plain": "2"}}]


def test_one_edited_cell_means_no_sidecar_outputs(tmp_path: Path):
    path = tmp_path / "nb.py"
    path.write_text(NB)
    _save(path)
    path.write_text(NB.replace("y = x + 1", "y = x + 2"))
    assert sidecar_outputs(path, read_notebook(path)) is None


def test_cli_export_uses_sidecar_or_says_code_only(tmp_path: Path):
    path = tmp_path / "nb.py"
    path.write_text(NB)
    out = tmp_path / "nb.ipynb"
    cmd = [sys.executable, "-m", "reflow_desktop.cli", "export", "ipynb", str(path), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and "code only" in proc.stderr
    assert all(not c.get("outputs") for c in nbformat.read(out, as_version=4).cells)
    _save(path)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and "code only" not in proc.stderr
    cells = nbformat.read(out, as_version=4).cells
    assert cells[0].outputs[0]["text"] == "1\n"
    assert cells[2].outputs[0]["output_type"] == "execute_result"


def test_cli_export_script_is_in_execution_order(tmp_path: Path):
    path = tmp_path / "nb.py"
    path.write_text(
        "# %%\nprint(total)\n\n# %% [markdown]\n# parts\n\n# %%\nparts = [1, 2]\n\n# %%\ntotal = sum(parts)\n"
    )
    out = tmp_path / "flat.py"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "script", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([sys.executable, str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "3\n"
    text = out.read_text()
    assert text.index("parts = [1, 2]") < text.index("total = sum") < text.index("print(total)")
    assert "# parts" in text


def test_refuses_to_overwrite_the_notebook(tmp_path: Path):
    path = tmp_path / "nb.py"
    path.write_text(NB)
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "script", str(path), "-o", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert path.read_text() == NB


EXPORT_PROBE = """
import json, sys
from reflow_desktop.cli import main
code = main(["export", "html", sys.argv[1], "-o", sys.argv[2]])
heavy = ("asyncio", "keyring", "jupyter_client", "tornado", "reflow_desktop.sidecar.writer",
         "reflow_desktop.sidecar.watch", "reflow_desktop.session.session")
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_an_export_from_saved_outputs_loads_no_event_loop_server_or_keychain(tmp_path: Path) -> None:
    """`reflow export html` from the sidecar is a CLI start: it imports only what reading and writing need."""
    path = tmp_path / "nb.py"
    path.write_text(NB)
    _save(path)
    seen = fresh_python_probe(EXPORT_PROBE, str(path), str(tmp_path / "out.html"))
    assert seen == {"code": 0, "loaded": []}
    assert "<html" in (tmp_path / "out.html").read_text().lower()
