"""Show in folder: only files the app exported, opened with the platform opener (substituted here)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import pytest

from reflow_desktop.exporting.reveal import OPENER_ENV, ExportedFiles, opener_command, show_in_folder


def test_only_a_file_exported_for_that_session_is_allowed(tmp_path: Path) -> None:
    exported = ExportedFiles()
    out = tmp_path / "nb.html"
    out.write_text("x")
    assert exported.add("s1", out) == out.resolve()
    assert exported.allows("s1", str(out)) == out.resolve()
    assert exported.allows("s1", str(tmp_path / "sub" / ".." / "nb.html")) == out.resolve()  # same file, other spelling
    for hostile in (str(tmp_path), str(tmp_path / "nb.py"), "/etc/passwd", "", "a\x00b", None, 3, ["x"], {"path": 1}):
        assert exported.allows("s1", hostile) is None, hostile
    assert exported.allows("other-session", str(out)) is None


def test_remembers_a_bounded_number_of_exports(tmp_path: Path) -> None:
    exported = ExportedFiles()
    paths = [tmp_path / f"e{i}.html" for i in range(30)]
    for p in paths:
        exported.add("s", p)
    assert exported.allows("s", str(paths[-1])) is not None
    assert exported.allows("s", str(paths[0])) is None


def test_platform_opener_and_its_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(OPENER_ENV, raising=False)
    expected = {"darwin": "open", "win32": "explorer"}.get(sys.platform, "xdg-open")
    assert opener_command(tmp_path) == [expected, str(tmp_path)]
    monkeypatch.setenv(OPENER_ENV, "my-files --new-window")
    assert opener_command(tmp_path) == ["my-files", "--new-window", str(tmp_path)]


def test_show_in_folder_spawns_the_opener_on_the_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    script = "import sys; open(sys.argv[1], 'w').write(sys.argv[2])"
    monkeypatch.setenv(OPENER_ENV, shlex.join([sys.executable, "-c", script, str(record)]))
    out = tmp_path / "exports" / "nb.ipynb"
    out.parent.mkdir()
    out.write_text("{}")
    assert show_in_folder(out) == out.parent
    deadline = time.monotonic() + 20  # a detached process: wait for its record
    while not (record.exists() and record.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record.read_text() == str(out.parent)


def test_show_in_folder_of_a_vanished_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no longer exists"):
        show_in_folder(tmp_path / "gone" / "nb.html")
