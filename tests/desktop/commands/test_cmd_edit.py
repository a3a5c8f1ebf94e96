"""`reflow edit PATH` for a path that does not exist: a new notebook, or a clear error without a folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_edit_a_new_file_in_a_missing_folder_says_so_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "new.py"
    proc = subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "edit", str(target), "--no-open"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert f"cannot create {target}: there is no folder {target.parent}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not target.parent.exists()
