"""Fixtures for sidecar tests: real files, a really read-only directory."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable for this process: chmod, or ``chattr +i`` when running as root."""
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    r = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"running as root and cannot chattr +i: {r.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recovery copies and other user data go to the test's tmp dir, never the real data dir."""
    d = tmp_path / "data"
    monkeypatch.setenv("REFLOW_DATA_DIR", str(d))
    return d


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory holding ``nb.py`` in which nobody (this process included) can create files."""
    d = tmp_path / "ro"
    d.mkdir()
    (d / "nb.py").write_text("# %%\nx = 1\n")
    with read_only(d):
        yield d


@pytest.fixture
def read_only_ctx():
    """``read_only(path)`` as a fixture: a context manager making a directory unwritable."""
    return read_only
