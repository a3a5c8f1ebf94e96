"""What a launch imports: opening a notebook loads neither IPython nor nbformat (seconds of start-up).

A fresh interpreter imports the server's launch path and asks which file opening a notebook edits,
as `reflow edit nb.py` does before serving; the converters' heavy imports must not have happened.
"""

from __future__ import annotations

from pathlib import Path

from helpers import fresh_python_probe

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("IPython", "nbformat", "jsonschema", "debugpy")

PROBE = """
import json, sys
from pathlib import Path
from reflow_desktop.server.launch import serve_notebook
from reflow_desktop.importing.on_open import reflow_notebook_for
from reflow_desktop.importing import NotebookImportError, detect
target = reflow_notebook_for(Path(sys.argv[1]))
print(json.dumps({"path": str(target.path), "kind": detect(sys.argv[1]),
                  "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_opening_a_notebook_imports_no_converter(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nx = 1\n")
    seen = fresh_python_probe(PROBE, str(nb))
    assert seen["path"] == str(nb) and seen["kind"] is None
    assert [m for m in HEAVY if m in seen["loaded"]] == []


def test_the_converters_still_load_on_use(tmp_path: Path) -> None:
    from reflow_desktop import importing

    assert importing.convert_ipynb.__module__ == "reflow_desktop.importing.ipynb"
    assert importing.read_marimo.__module__ == "reflow_desktop.importing.marimo"
    marimo = tmp_path / "app.py"
    marimo.write_text("import marimo\napp = marimo.App()\n")
    assert importing.detect(marimo) == "marimo"
