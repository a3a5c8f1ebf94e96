"""File ▸ Export and the top bar's export buttons in the real desktop app (issue 16 items 7 and 18)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest
from qt.shell_run import run_scenario  # type: ignore[import-not-found]  # tests/ is on pytest's path, not mypy's

pytest.importorskip("webview")
pytest.importorskip("qtpy")

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = 30


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    nb = tmp_path / "nbs" / "intro.py"
    nb.parent.mkdir()
    shutil.copyfile(ROOT / "examples" / "intro.py", nb)
    return nb


def test_many_exports_from_menu_and_top_bar_all_written_app_alive(tmp_path: Path, notebook: Path) -> None:
    opened = tmp_path / "opened.txt"  # the substitute file manager writes the folder it was asked to show
    opener = shlex.join([sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write(sys.argv[2])", str(opened)])
    r = run_scenario(
        "export_stress",
        tmp_path,
        str(notebook),
        timeout=600,
        REFLOW_TEST_EXPORTS=str(EXPORTS),
        REFLOW_FOLDER_OPENER=opener,
        REFLOW_TEST_OPENED=str(opened),
    )
    out = tmp_path / "out-export_stress"
    names = [f"stress-{i}.{('html', 'ipynb')[i % 2]}" for i in range(EXPORTS)]
    assert sorted(r["written"]) == sorted(names)
    assert set(r["via"].values()) == {"menu", "page"}
    for name in names:
        text = (out / name).read_text()
        assert "has area 28.27" in text, name
        assert ('"nbformat": 4' in text) if name.endswith(".ipynb") else ("reflow-state" in text), name
    assert r["alive"] is True  # the window was still up after the last export
    # After each export the page said where the file went (checked per export in the scenario) ...
    last = out / names[-1]
    assert str(last) in r["notice_text"] and "Show in folder" in r["notice_text"]
    # ... and Show in folder ran the platform opener (substituted) on that file's folder.
    assert r["opened"] == str(out)
