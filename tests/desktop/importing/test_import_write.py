"""A converted notebook is written to a new file only: never over one, never half."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reflow_desktop.importing.write import write_new_file


def test_creates_the_file_with_the_usual_permissions(tmp_path: Path):
    target = tmp_path / "nb.py"
    write_new_file(target, b"# %%\nx = 1\n")
    assert target.read_bytes() == b"# %%\nx = 1\n"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["nb.py"]  # no temp file left


def test_an_existing_file_is_never_replaced(tmp_path: Path):
    target = tmp_path / "nb.py"
    target.write_text("mine\n")
    with pytest.raises(FileExistsError):
        write_new_file(target, b"converted\n")
    assert target.read_text() == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["nb.py"]


def test_without_hard_links_it_creates_exclusively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def no_links(src: object, dst: object) -> None:
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    write_new_file(tmp_path / "a.py", b"a\n")
    assert (tmp_path / "a.py").read_bytes() == b"a\n"
    with pytest.raises(FileExistsError):
        write_new_file(tmp_path / "a.py", b"b\n")
    assert (tmp_path / "a.py").read_bytes() == b"a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_a_symlink_at_the_target_name_is_not_followed(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    (tmp_path / "nb.py").symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_new_file(tmp_path / "nb.py", b"converted\n")
    assert victim.read_text() == "keep\n"
