"""The single-instance socket lives in a directory only this user can enter (issue 15, item 5)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from reflow_desktop.shell import ipc

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes on Windows")


@pytest.fixture
def tmp_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A world-writable 'tmp' of our own, no XDG runtime dir: the shared-/tmp case."""
    base = tmp_path / "tmp"
    base.mkdir()
    base.chmod(0o1777)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(ipc.tempfile, "gettempdir", lambda: str(base))
    return base


def test_socket_is_in_an_owner_only_directory(tmp_base: Path, tmp_path: Path) -> None:
    name = Path(ipc.server_name(tmp_path / "data"))
    parent = name.parent
    assert parent != tmp_base and parent.parent == tmp_base
    st = parent.lstat()
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o700


def test_a_loose_directory_of_ours_is_tightened(tmp_base: Path, tmp_path: Path) -> None:
    loose = tmp_base / f"reflow-{os.getuid()}"
    loose.mkdir()
    loose.chmod(0o777)
    assert Path(ipc.server_name(tmp_path / "data")).parent == loose
    assert stat.S_IMODE(loose.lstat().st_mode) == 0o700


def test_a_squatted_name_is_never_used(tmp_base: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()
    (tmp_base / f"reflow-{os.getuid()}").symlink_to(elsewhere)  # a link planted in the shared tmp
    with pytest.raises(OSError, match="no private directory"):
        ipc.server_name(tmp_path / "data")


def test_xdg_runtime_dir_gets_its_own_subdirectory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="rfx"))  # short, like /run/user/UID (sockets need short paths)
    try:
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        name = Path(ipc.server_name(tmp_path / "data"))
        assert name.parent == runtime / "reflow" and stat.S_IMODE(name.parent.stat().st_mode) == 0o700
        assert len(str(name)) < 104
    finally:
        shutil.rmtree(runtime)
