"""Issue 15: a notebook folder from elsewhere cannot make the sidecar reach outside ``__reflow__/``.

Each attack here worked on the code before: a ``blobs`` link let blob clean-up delete every file
of the linked folder, a linked sidecar JSON was written through, a linked ``__reflow__`` received
the writes. Now links are refused with a notice and clean-up deletes only blobs the store wrote.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import reflow.notebook.confined as confined_mod
from reflow.notebook.confined import LinkRefusedError, PathEscapeError
from reflow_desktop.sidecar.format import BLOB_THRESHOLD, CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.snapshots import _write as write_snapshot
from reflow_desktop.sidecar.store import BLOB_INDEX, SidecarStore
from reflow_desktop.sidecar.writer import SidecarWriter

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")

BLOB_NAME = "a" * 64 + ".png"


@pytest.fixture(params=["nofollow", "lstat-only"])
def nb(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A notebook in its own folder; also run with O_NOFOLLOW unavailable (the Windows code path)."""
    if request.param == "lstat-only":
        monkeypatch.setattr(confined_mod, "_NOFOLLOW", 0)
    folder = tmp_path / "project"
    folder.mkdir()
    p = folder / "nb.py"
    p.write_text("# %%\na = 1\na\n")
    yield p


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder of the user's files outside the notebook folder, old enough for any clean-up."""
    d = tmp_path / "victim"
    d.mkdir()
    for name in (BLOB_NAME, "thesis.txt", ".hidden"):
        (d / name).write_text(f"precious {name}")
        old = time.time() - 86400
        os.utime(d / name, (old, old))
    return d


def _data(outputs: list[dict] | None = None) -> SidecarData:
    return SidecarData(
        "nb.py", [CellRecord(code_hash("a = 1\na"), "idle", outputs or [{"kind": "data", "data": {"text/plain": "1"}}])]
    )


def _big_png() -> str:
    return base64.b64encode(os.urandom(BLOB_THRESHOLD)).decode()


def _untouched(victim: Path) -> bool:
    return sorted(p.name for p in victim.iterdir()) == sorted([BLOB_NAME, "thesis.txt", ".hidden"]) and all(
        p.read_text() == f"precious {p.name}" for p in victim.iterdir()
    )


def test_linked_blobs_folder_is_never_cleaned_nor_written(nb: Path, victim: Path) -> None:
    store = SidecarStore(nb, blob_grace=0)
    store.dir.mkdir()
    store.blobs.symlink_to(victim, target_is_directory=True)
    store.save(_data())  # no blob needed: the JSON is written, the linked folder left alone
    assert _untouched(victim)
    with pytest.raises(LinkRefusedError, match="symbolic link"):
        store.save(_data([{"kind": "data", "data": {"image/png": _big_png()}}]))
    assert _untouched(victim)
    assert store.collect_blobs() == [] and _untouched(victim)
    notice = store.load().notice or ""
    assert "__reflow__/blobs is a symbolic link" in notice and "ignored" in notice


def test_index_naming_files_behind_a_link_deletes_nothing(nb: Path, victim: Path) -> None:
    store = SidecarStore(nb, blob_grace=0)
    store.dir.mkdir()
    store.blobs.symlink_to(victim, target_is_directory=True)
    (store.dir / BLOB_INDEX).write_text(json.dumps({"version": 1, "written": [BLOB_NAME]}))
    store.save(_data())
    assert store.collect_blobs() == [] and _untouched(victim)


def test_linked_sidecar_file_is_not_written_through(nb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "bashrc"
    outside.write_text("precious\n")
    store = SidecarStore(nb)
    store.dir.mkdir()
    store.path.symlink_to(outside)
    with pytest.raises(LinkRefusedError):
        store.save(_data())
    assert outside.read_text() == "precious\n" and store.path.is_symlink()
    loaded = store.load()
    assert loaded.data is None and "nb.py.json is a symbolic link" in (loaded.notice or "")


async def test_writer_reports_a_linked_sidecar_once_and_keeps_running(nb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "bashrc"
    outside.write_text("precious\n")
    store = SidecarStore(nb)
    store.dir.mkdir()
    store.path.symlink_to(outside)
    notices: list[tuple[str, str]] = []
    writer = SidecarWriter(store, delay=0.01, on_notice=lambda level, text: notices.append((level, text)))
    writer.schedule(_data())
    await writer.flush()
    writer.schedule(_data())
    await writer.flush()
    assert writer.writes == 0 and outside.read_text() == "precious\n"
    assert len(notices) == 1 and "symbolic link" in notices[0][1]


def test_linked_reflow_folder_receives_nothing(nb: Path, victim: Path) -> None:
    (nb.parent / "__reflow__").symlink_to(victim, target_is_directory=True)
    store = SidecarStore(nb, blob_grace=0)
    with pytest.raises(LinkRefusedError):
        store.save(_data([{"kind": "data", "data": {"image/png": _big_png()}}]))
    assert _untouched(victim)
    assert "__reflow__ is a symbolic link" in (store.load().notice or "")
    with pytest.raises(LinkRefusedError):
        write_snapshot(nb, "html", "<html></html>")
    assert _untouched(victim)


def test_linked_snapshot_file_is_not_written_through(nb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "index.html"
    outside.write_text("precious")
    (nb.parent / "__reflow__").mkdir()
    (nb.parent / "__reflow__" / "nb.html").symlink_to(outside)
    with pytest.raises(LinkRefusedError):
        write_snapshot(nb, "html", "<html></html>")
    assert outside.read_text() == "precious"
    write_snapshot(nb, "ipynb", "{}")  # an ordinary snapshot still works
    assert (nb.parent / "__reflow__" / "nb.ipynb").read_text() == "{}"


def test_cleanup_deletes_only_blobs_the_store_wrote(nb: Path) -> None:
    store = SidecarStore(nb, blob_grace=0)
    store.save(_data([{"kind": "data", "data": {"image/png": _big_png()}}]))
    (ours,) = [p for p in store.blobs.iterdir()]
    alien = store.blobs / BLOB_NAME  # a valid blob name, but not written by Reflow
    alien.write_text("the user's own file")
    old = time.time() - 86400
    os.utime(alien, (old, old))
    store.save(_data())  # no output references any blob now
    assert not ours.exists() and alien.read_text() == "the user's own file"
    assert json.loads((store.dir / BLOB_INDEX).read_text())["written"] == []


def test_dotdot_in_stored_names_reaches_nothing(nb: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    old = time.time() - 86400
    os.utime(secret, (old, old))
    store = SidecarStore(nb, blob_grace=0)
    store.save(_data([{"kind": "data", "data": {"image/png": _big_png()}}]))
    # an index and a sidecar crafted with names that climb out of __reflow__/blobs
    (store.dir / BLOB_INDEX).write_text(
        json.dumps({"version": 1, "written": ["../../secret.png", "../nb.py.json", "/etc/passwd", "..", BLOB_NAME]})
    )
    doc = json.loads(store.path.read_text())
    doc["cells"][0]["outputs"][0]["$blobs"] = {"image/png": "../../secret.png"}
    store.path.write_text(json.dumps(doc))
    assert store.written_blobs() == {BLOB_NAME}
    store.collect_blobs()
    assert secret.read_bytes() == b"secret" and store.path.exists()
    loaded = store.load()
    assert loaded.data is not None and "1 stored image missing" in (loaded.notice or "")
    for bad in ("..", "../x", "a/b", "", "a\x00b"):
        with pytest.raises(PathEscapeError):
            store.files.path("blobs", bad)


def test_a_fifo_in_place_of_the_sidecar_does_not_hang_the_open(nb: Path) -> None:
    store = SidecarStore(nb)
    store.dir.mkdir()
    os.mkfifo(store.path)
    loaded = store.load()
    assert loaded.data is None and "could not be read" in (loaded.notice or "")
