"""Every export path masks a notebook's secrets, even in outputs stored before the secret was declared.

The outputs here go straight into the sidecar with the value in them (as a key printed before it moved
to the keychain would be), so only the exports' own masking (secrets/exports.py, from the keychain)
stands between the value and the file. Each export is made by the real CLI in a subprocess, which
finds the Secret Service through DBUS_SESSION_BUS_ADDRESS as the app would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from reflow.notebook import read_notebook
from reflow.secret_mask import MASK
from reflow_desktop import sidecar
from reflow_desktop.exporting.outputs import data, error, stream
from reflow_desktop.secrets import SERVICE

VALUE = "rf-secret-exported-0c4e6a8b1f"
NOTEBOOK = """# /// script
# [tool.reflow]
# secrets = ["RF_OLD_KEY"]
# ///

# %%
print("the key is")
"""


def _stored_notebook(folder: Path) -> Path:
    path = folder / "nb.py"
    path.write_text(NOTEBOOK)
    cell = next(c for c in read_notebook(path).cells if c.kind == "code")
    outputs = [
        stream("stdout", f"the key is {VALUE}\n"),
        data({"text/plain": repr(VALUE), "text/html": f"<i>{VALUE}</i>", "application/json": {"key": VALUE}}),
        error(f"bad key {VALUE}", ename="ValueError", traceback=f"ValueError: bad key {VALUE}"),
    ]
    record = sidecar.CellRecord(code_hash=sidecar.code_hash(cell.source), outputs=outputs)
    sidecar.SidecarStore(path).save(sidecar.SidecarData(notebook=path.name, cells=[record]))
    assert VALUE in "".join(p.read_text() for p in (folder / "__reflow__").rglob("*.json"))  # the test's premise
    return path


def _export(fmt: str, path: Path, out: Path) -> None:
    env = {**os.environ, "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    if fmt == "pdf" and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", fmt, str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert VALUE not in proc.stdout + proc.stderr


@pytest.mark.parametrize("fmt", ["html", "ipynb"])
def test_html_and_ipynb_exports_mask_stored_outputs(tmp_path: Path, keychain: Path, fmt: str) -> None:
    keyring.set_password(SERVICE, "RF_OLD_KEY", VALUE)
    path = _stored_notebook(tmp_path)
    out = tmp_path / f"out.{fmt}"
    _export(fmt, path, out)
    text = out.read_text()
    assert VALUE not in text
    assert text.count(MASK) >= 5 if fmt == "ipynb" else MASK in text  # stream, plain, html, json, error
    if fmt == "ipynb":
        outputs = json.loads(text)["cells"][0]["outputs"]
        assert outputs[0]["text"] == [f"the key is {MASK}\n"]
        assert outputs[1]["data"]["text/html"] == [f"<i>{MASK}</i>"]


@pytest.mark.qt
def test_the_pdf_export_masks_stored_outputs(tmp_path: Path, keychain: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("no pdftotext (poppler-utils)")
    keyring.set_password(SERVICE, "RF_OLD_KEY", VALUE)
    path = _stored_notebook(tmp_path)
    out = tmp_path / "out.pdf"
    _export("pdf", path, out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "the key is" in text  # the page has the output...
    assert VALUE not in text and "rf-secret" not in text  # ...without the value
    assert MASK in text


def test_without_the_value_in_the_keychain_nothing_is_masked_by_the_export(tmp_path: Path, keychain: Path) -> None:
    path = _stored_notebook(tmp_path)  # the keychain holds nothing for RF_OLD_KEY: the export cannot know it
    out = tmp_path / "out.html"
    _export("html", path, out)
    assert VALUE in out.read_text()


def test_export_run_gets_the_stored_secret_masked_and_leaves_out_a_missing_one(
    tmp_path: Path, keychain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLOW_ENVIRONMENTS", "0")  # the kernel in this Python: the test is about secrets
    keyring.set_password(SERVICE, "RF_RUN_KEY", VALUE)
    path = tmp_path / "nb.py"
    path.write_text(
        '# /// script\n# [tool.reflow]\n# secrets = ["RF_RUN_KEY", "RF_ABSENT"]\n# ///\n\n'
        "# %%\nimport os\n"
        'print("run key", os.environ["RF_RUN_KEY"], "absent" if "RF_ABSENT" not in os.environ else "")\n'
    )
    out = tmp_path / "out.ipynb"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "ipynb", "--run", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,  # no page can answer: a missing secret must not make the run wait
    )
    assert proc.returncode == 0, proc.stderr
    stream_text = "".join(json.loads(out.read_text())["cells"][0]["outputs"][0]["text"])
    assert stream_text == f"run key {MASK} absent\n"
