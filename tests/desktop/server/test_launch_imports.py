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


# Serving the page and its ``session`` message (outputs restored from __reflow__/) needs none of the
# kernel's client side nor the environment builder: jupyter_client (pyzmq, traitlets, jupyter_core,
# dateutil) is imported on a worker thread when the kernel starts (session/kernel.py), packaging when
# the environment is checked (envs/__init__.py's names load on first use).
KERNEL_SIDE = ("jupyter_client", "zmq", "traitlets", "jupyter_core", "dateutil", "packaging")

SESSION_PROBE = """
import json, sys
from reflow_desktop.server.launch import serve_notebook
from reflow_desktop.server.app import ReflowServer
from reflow_desktop.session import Session
from reflow_desktop import envs
session = Session(sys.argv[1], environments=envs.enabled())
msg = session.session_message()
print(json.dumps({"type": msg["type"], "cells": len(msg["cells"]), "kernel": msg["kernel"]["state"],
                  "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_the_first_session_message_imports_no_kernel_client(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# /// script\n# dependencies = []\n# ///\n\n# %%\nx = 1\n\n# %%\nx + 1\n")
    seen = fresh_python_probe(SESSION_PROBE, str(nb))
    assert (seen["type"], seen["cells"], seen["kernel"]) == ("session", 2, "starting")
    assert [m for m in KERNEL_SIDE + HEAVY if m in seen["loaded"]] == []


def test_the_kernel_side_still_loads_on_use() -> None:
    import asyncio
    import sys

    from reflow_desktop import envs
    from reflow_desktop.session import kernel

    asyncio.run(kernel.load_jupyter())
    assert "reflow_desktop.session.kernel_jupyter" in sys.modules and "jupyter_client" in sys.modules
    assert envs.ensure_environment.__module__ == "reflow_desktop.envs.build"
    assert envs.EnvError.__module__ == "reflow_desktop.envs.errors"
    assert envs.add_package.__module__ == "reflow_desktop.envs.manage"
    assert envs.list_environments.__module__ == "reflow_desktop.envs.registry"
    assert envs.install_suggestion.__module__ == "reflow_desktop.envs.install_hints"
