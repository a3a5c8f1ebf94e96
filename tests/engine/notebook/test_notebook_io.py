"""Reading and atomically writing notebook files."""

import os
import stat
import sys
from pathlib import Path

import pytest

from reflow.notebook import (
    AtomicWriteError,
    NotebookFormatError,
    atomic_write_bytes,
    atomic_write_text,
    new_notebook,
    read_notebook,
    render_notebook,
    write_notebook,
)
from reflow.notebook import atomic as atomic_mod

TEXT = '# /// script\n# requires-python = ">=3.11"\n# ///\n\n# %%\nx = 1\n\n# %%\ny = x + 1\n'


def test_read_write_round_trip(tmp_path):
    p = tmp_path / "nb.py"
    p.write_bytes(TEXT.encode())
    nb = read_notebook(p)
    write_notebook(p, nb)
    assert p.read_bytes() == TEXT.encode()
    nb.cells[1].source = "y = x + 2"
    write_notebook(p, nb)
    assert p.read_text() == TEXT.replace("x + 1", "x + 2")
    assert [f.name for f in tmp_path.iterdir()] == ["nb.py"]  # no temp files left


def test_crlf_and_bom_preserved(tmp_path):
    p = tmp_path / "nb.py"
    data = b"\xef\xbb\xbf# %%\r\nx = 1\r\n"
    p.write_bytes(data)
    nb = read_notebook(p)
    assert nb.cells[0].source == "x = 1"
    write_notebook(p, nb)
    assert p.read_bytes() == data
    nb.cells[0].source = "x = 2\ny = 3"
    write_notebook(p, nb)
    assert p.read_bytes() == b"\xef\xbb\xbf# %%\r\nx = 2\r\ny = 3\r\n"


@pytest.mark.parametrize(
    "data,line",
    [(b"# %%\nx = 1\n\xff\xfe\x00junk", 3), (b"\x89PNG\r\n\x1a\n\x00\x00", 1), (b"# %%\n\x00\x01\x02", 2)],
)
def test_binary_junk(tmp_path, data, line):
    p = tmp_path / "junk.py"
    p.write_bytes(data)
    with pytest.raises(NotebookFormatError) as info:
        read_notebook(p)
    assert info.value.lineno == line


def test_write_new_file_and_mode(tmp_path):
    p = tmp_path / "new.py"
    write_notebook(p, new_notebook())
    assert read_notebook(p).cells[0].source == ""
    if sys.platform != "win32":
        os.chmod(p, 0o640)
        atomic_write_text(p, "x\n")
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o640


def test_symlink_written_through(tmp_path):
    if sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    real = tmp_path / "real.py"
    real.write_text("old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_failed_replace_leaves_original(tmp_path, monkeypatch):
    p = tmp_path / "nb.py"
    p.write_text(TEXT)
    nb = read_notebook(p)
    nb.cells[0].source = "x = 42"

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_mod.os, "replace", boom)
    with pytest.raises(AtomicWriteError) as info:
        write_notebook(p, nb)
    assert "original file is unchanged" in str(info.value)
    assert isinstance(info.value, OSError)
    assert p.read_text() == TEXT
    assert [f.name for f in tmp_path.iterdir()] == ["nb.py"]


def test_failed_fsync_leaves_original(tmp_path, monkeypatch):
    p = tmp_path / "nb.py"
    p.write_text(TEXT)

    def boom(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic_mod.os, "fsync", boom)
    with pytest.raises(AtomicWriteError):
        atomic_write_bytes(p, b"new")
    assert p.read_text() == TEXT
    assert [f.name for f in tmp_path.iterdir()] == ["nb.py"]


def test_interrupt_mid_write_leaves_original(tmp_path, monkeypatch):
    p = tmp_path / "nb.py"
    p.write_text(TEXT)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_mod.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(p, b"new")
    assert p.read_text() == TEXT
    assert [f.name for f in tmp_path.iterdir()] == ["nb.py"]


def _save_new(path: Path) -> str:
    """Save an empty notebook over ``path``; what the failure said, or "saved"."""
    try:
        write_notebook(path, new_notebook())
    except AtomicWriteError as exc:
        return str(exc)
    return "saved"


def test_read_only_directory(unprivileged):
    """Runs as a user the permissions apply to (root ignores them; CI is root)."""
    d = unprivileged.tmp / "ro"
    d.mkdir()
    p = d / "nb.py"
    p.write_text(TEXT)
    for path in (d, p):
        os.chown(path, unprivileged.uid, unprivileged.gid)
    _save_new(unprivileged.tmp / "warm.py")  # lazily imported modules load here, before dropping privileges
    d.chmod(0o555)
    assert "cannot save" in unprivileged.run(_save_new, p)
    assert p.read_text() == TEXT
    assert sorted(f.name for f in d.iterdir()) == ["nb.py"]  # no temp file left behind
    d.chmod(0o755)  # the same user can save once the directory is writable again
    assert unprivileged.run(_save_new, p) == "saved"
    assert p.read_text() != TEXT


def test_missing_directory(tmp_path):
    with pytest.raises(AtomicWriteError):
        atomic_write_text(tmp_path / "nope" / "nb.py", "x")


def test_examples_are_notebooks():
    examples = Path(__file__).resolve().parents[3] / "examples"
    files = sorted(examples.glob("*.py"))
    assert files
    for f in files:
        nb = read_notebook(f)
        assert nb.cells and render_notebook(nb) == f.read_text(encoding="utf-8")
        assert nb.metadata is not None and nb.metadata.dependencies == []


def test_unwritable_directory_simulated(tmp_path, monkeypatch):
    """Same as a read-only directory, but also when tests run as root."""
    p = tmp_path / "nb.py"
    p.write_text(TEXT)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_mod.tempfile, "mkstemp", denied)
    with pytest.raises(AtomicWriteError) as info:
        write_notebook(p, new_notebook())
    assert "cannot create a temporary file" in str(info.value)
    assert p.read_text() == TEXT


def test_an_explicit_mode_makes_a_private_file_even_over_a_readable_one(tmp_path):
    target = tmp_path / "token.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    atomic_mod.atomic_write_text(target, "secret", mode=0o600)
    assert target.read_text() == "secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_write_not_meant_to_be_durable_is_atomic_without_flushing(tmp_path, monkeypatch):
    """``durable=False`` (the output history's objects): replaced whole, no fsync of file or folder."""
    flushed: list[int] = []
    monkeypatch.setattr(atomic_mod.os, "fsync", flushed.append)
    p = tmp_path / "object.json"
    p.write_bytes(b"old")
    atomic_write_bytes(p, b"new", durable=False)
    assert p.read_bytes() == b"new" and flushed == []
    assert [n for n in os.listdir(tmp_path) if n != "object.json"] == []  # no temporary file left
    atomic_write_bytes(p, b"newer")
    assert p.read_bytes() == b"newer" and len(flushed) == 2  # the default: the file, then its folder
