"""`reflow script`, `reflow run` and `reflow export --run` refuse an untrusted notebook unless --trust."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _reflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, REFLOW_ENVIRONMENTS="0", PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")])
    )
    return subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def planted(tmp_path: Path, untrusted_user: Path) -> tuple[Path, Path]:
    marker = tmp_path / "marker"
    path = tmp_path / "nb.py"
    path.write_text(f'# /// script\n# dependencies = ["six"]\n# ///\n\n# %%\nopen({str(marker)!r}, "w").write("ran")\n')
    return path, marker


def test_script_refuses_an_untrusted_notebook_then_trust_runs_it(planted: tuple[Path, Path]) -> None:
    path, marker = planted
    refused = _reflow("script", str(path), cwd=path.parent)
    assert refused.returncode == 1 and not marker.exists()
    assert "not trusted on this machine" in refused.stderr and "--trust" in refused.stderr
    assert "six" in refused.stderr  # what would be installed

    ran = _reflow("script", "--trust", str(path), cwd=path.parent)
    assert ran.returncode == 0, ran.stderr
    assert marker.exists()
    marker.unlink()
    assert _reflow("script", str(path), cwd=path.parent).returncode == 0  # signed: trusted from now on
    assert marker.exists()


def test_export_with_run_refuses_an_untrusted_notebook(planted: tuple[Path, Path]) -> None:
    path, marker = planted
    out = path.with_suffix(".html")
    refused = _reflow("export", "html", str(path), "--run", "-o", str(out), cwd=path.parent)
    assert refused.returncode == 1 and "--trust" in refused.stderr
    assert not marker.exists() and not out.exists()
    plain = _reflow("export", "html", str(path), "-o", str(out), cwd=path.parent)  # no --run: nothing runs
    assert plain.returncode == 0 and out.exists() and not marker.exists()


def test_run_refuses_to_serve_an_untrusted_notebook(planted: tuple[Path, Path]) -> None:
    path, marker = planted
    refused = _reflow("run", str(path), "--no-open", cwd=path.parent)
    assert refused.returncode == 1 and "not trusted" in refused.stderr and not marker.exists()
