"""Sidecar store: per-cell restore by code hash, tolerant reading, atomic writes, blobs."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from reflow.notebook import read_notebook

from reflow_desktop.sidecar.format import BLOB_THRESHOLD, CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.match import match_cells
from reflow_desktop.sidecar.store import CellSource, SidecarStore, sidecar_path

NB = """\
# %%
a = 1
a

# %%
b = a + 1
print(b)

# %% [markdown]
# Text

# %%
c = b * 2
c
"""


def _out(text: str) -> dict:
    return {"kind": "data", "data": {"text/plain": text}}


def _open(path: Path) -> tuple[list, list[CellSource]]:
    """The notebook's cells (ids are per read) and what matching needs of them."""
    cells = read_notebook(path).cells
    return cells, [CellSource(c.id, c.kind, c.source) for c in cells]


def _data_for(path: Path) -> SidecarData:
    """A sidecar as the session would write it after running every cell."""
    cells = [c for c in read_notebook(path).cells if c.kind == "code"]
    recs = [CellRecord(code_hash(c.source), "idle", [_out(f"out of {c.source.splitlines()[0]}")],
                       "2026-11-25T06:00:00Z") for c in cells]
    recs[1].outputs = [{"kind": "stream", "name": "stdout", "text": "2\n"}]
    return SidecarData("nb.py", recs, {"slider": 3})


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NB)
    return p


def test_round_trip_restores_every_cell_idle(nb: Path) -> None:
    store = SidecarStore(nb)
    store.save(_data_for(nb))
    assert store.path == nb.parent / "__reflow__" / "nb.py.json"
    doc = json.loads(store.path.read_text())
    assert doc["version"] == 1 and doc["notebook"] == "nb.py" and doc["ui_values"] == {"slider": 3}
    assert doc["cells"][0]["code_hash"] == code_hash("a = 1\na")
    loaded = store.load()
    assert loaded.notice is None
    allc, src = _open(nb)
    restored = store.restore(src, loaded.data)
    cells = [c for c in allc if c.kind == "code"]
    assert [restored[c.id].status for c in cells] == ["idle", "idle", "idle"]
    assert restored[cells[0].id].outputs == [_out("out of a = 1")]
    assert restored[cells[1].id].outputs == [{"kind": "stream", "name": "stdout", "text": "2\n"}]


def test_one_changed_cell_goes_stale_others_keep_outputs(nb: Path) -> None:
    store = SidecarStore(nb)
    store.save(_data_for(nb))
    nb.write_text(NB.replace("b = a + 1", "b = a + 100"))  # edited elsewhere
    allc, src = _open(nb)
    cells = [c for c in allc if c.kind == "code"]
    restored = store.restore(src, store.load().data)
    assert [restored[c.id].status for c in cells] == ["idle", "stale", "idle"]
    # the stale cell shows its old output, and remembers the hash of the code that made it
    assert restored[cells[1].id].outputs == [{"kind": "stream", "name": "stdout", "text": "2\n"}]
    assert restored[cells[1].id].code_hash == code_hash("b = a + 1\nprint(b)")
    assert restored[cells[2].id].outputs == [_out("out of c = b * 2")]


def test_inserted_deleted_and_moved_cells(nb: Path) -> None:
    store = SidecarStore(nb)
    store.save(_data_for(nb))
    parts = NB.split("\n\n")
    # new cell first, last two code cells swapped, markdown dropped
    nb.write_text("# %%\nnew = 0\n\n" + parts[2].split("# %% [markdown]")[0] + parts[-1] + "\n" + parts[0] + "\n\n" + parts[1] + "\n")
    allc, src = _open(nb)
    cells = {c.source: c.id for c in allc}
    restored = store.restore(src, store.load().data)
    assert cells["new = 0"] not in restored
    for src in ("a = 1\na", "b = a + 1\nprint(b)", "c = b * 2\nc"):
        assert restored[cells[src]].status == "idle", src


def test_match_pairs_edited_cells_by_position() -> None:
    assert [(m.old, m.exact) for m in match_cells(["a", "b", "c"], ["a", "B", "c"])] == \
        [(0, True), (1, False), (2, True)]
    assert [(m.old, m.exact) for m in match_cells(["a", "b"], ["b", "a"])] == [(1, True), (0, True)]
    assert [(m.old, m.exact) for m in match_cells(["x", "x"], ["x", "x", "x"])] == \
        [(0, True), (1, True), (None, False)]
    assert [m.old for m in match_cells(["a"], ["a", "b"], pair_changed=True)] == [0, None]


@pytest.mark.parametrize("content", [
    b"",                                               # empty
    b'{"version": 1, "notebook": "nb.py", "cells": [{"code_ha',  # truncated
    b"\x00\xff\xfe garbage \x89PNG",                   # binary junk
    b"[1, 2, 3]",                                      # JSON, wrong shape
    b'{"version": 999, "notebook": "nb.py", "cells": []}',  # from the future
    b'{"version": "1", "cells": []}',                  # foreign (marimo-style string version)
    b'{"version": 1, "cells": {"not": "a list"}}',
    b"[" * 100000 + b"]" * 100000,                     # nesting bomb
])
def test_unusable_sidecar_is_ignored_with_notice(nb: Path, content: bytes) -> None:
    store = SidecarStore(nb)
    store.dir.mkdir()
    store.path.write_bytes(content)
    result = store.load()
    assert result.data is None
    assert result.notice and "ignored" in result.notice and "nb.py.json" in result.notice
    assert store.restore(_open(nb)[1], result.data) == {}
    # the next save replaces it with a valid file
    store.save(_data_for(nb))
    assert store.load().notice is None


def test_missing_sidecar_is_silent(nb: Path) -> None:
    result = SidecarStore(nb).load()
    assert result.data is None and result.notice is None


def test_malformed_cell_entries_skip_only_themselves(nb: Path) -> None:
    store = SidecarStore(nb)
    store.save(_data_for(nb))
    doc = json.loads(store.path.read_text())
    doc["cells"].insert(1, {"no": "hash"})
    doc["cells"][0]["outputs"].append({"kind": "weird"})
    store.path.write_text(json.dumps(doc))
    result = store.load()
    assert result.data is not None and "1 malformed cell entry skipped" in (result.notice or "")
    allc, src = _open(nb)
    restored = store.restore(src, result.data)
    assert len(restored) == 3 and all(r.status == "idle" for r in restored.values())
    first = allc[0].id
    assert restored[first].outputs == [_out("out of a = 1")]


def _png(n: int, seed: int = 0) -> str:
    raw = bytes((i * 31 + seed) % 251 for i in range(n))
    return base64.b64encode(raw).decode()


def test_large_images_become_blobs_and_unreferenced_blobs_are_collected(nb: Path) -> None:
    store = SidecarStore(nb, blob_grace=0)
    big, small = _png(BLOB_THRESHOLD), _png(100)
    data = _data_for(nb)
    data.cells[0].outputs = [{"kind": "data", "data": {"image/png": big, "text/plain": "<Figure>"}}]
    data.cells[2].outputs = [{"kind": "data", "data": {"image/png": small}}]
    store.save(data)
    blobs = sorted(p.name for p in store.blobs.iterdir())
    assert len(blobs) == 1 and blobs[0].endswith(".png")
    assert store.path.stat().st_size < len(big) // 4
    doc = json.loads(store.path.read_text())
    assert doc["cells"][0]["outputs"][0]["$blobs"] == {"image/png": blobs[0]}
    assert doc["cells"][2]["outputs"][0]["data"]["image/png"] == small  # small stays inline
    allc, src = _open(nb)
    restored = store.restore(src, store.load().data)
    first = allc[0].id
    assert restored[first].outputs == [{"kind": "data",
                                        "data": {"image/png": big, "text/plain": "<Figure>"}}]

    # another notebook in the same directory shares the blob: it must survive our GC
    other = nb.parent / "other.py"
    other.write_text("# %%\nfig\n")
    SidecarStore(other, blob_grace=0).save(
        SidecarData("other.py", [CellRecord(code_hash("fig"), "idle",
                                            [{"kind": "data", "data": {"image/png": big}}])]))
    data.cells[0].outputs = [_out("no plot any more")]
    store.save(data)
    assert [p.name for p in store.blobs.iterdir()] == blobs
    SidecarStore(other, blob_grace=0).save(SidecarData("other.py", []))
    assert list(store.blobs.iterdir()) == []


def test_young_unreferenced_blobs_survive_gc(nb: Path) -> None:
    """A blob written by another window whose JSON is not written yet is left alone.

    (Since issue 15 the orphan must have been written by a store, i.e. be in its index: see
    test_sidecar_links for files that were not.)
    """
    store = SidecarStore(nb)  # default grace
    store.files.check_dirs(create=True)
    store._write_blob("0" * 64 + ".png", b"x")  # another window's blob, its JSON not yet written
    orphan = store.blobs / ("0" * 64 + ".png")
    store.save(_data_for(nb))
    assert orphan.exists()
    old = orphan.stat().st_mtime - 3600
    os.utime(orphan, (old, old))
    store.save(_data_for(nb))
    assert not orphan.exists()


def test_missing_blob_loses_only_that_image(nb: Path) -> None:
    store = SidecarStore(nb)
    data = _data_for(nb)
    data.cells[0].outputs = [{"kind": "data", "data": {"image/png": _png(BLOB_THRESHOLD),
                                                       "text/plain": "<Figure>"}}]
    store.save(data)
    for p in store.blobs.iterdir():
        p.unlink()
    result = store.load()
    assert "1 stored image missing" in (result.notice or "")
    allc, src = _open(nb)
    restored = store.restore(src, result.data)
    first = allc[0].id
    assert restored[first].outputs == [_out("<Figure>")]


def test_blob_reference_cannot_escape_blobs_dir(nb: Path) -> None:
    store = SidecarStore(nb)
    store.dir.mkdir()
    (nb.parent / "secret.png").write_bytes(b"secret")
    doc = {"version": 1, "notebook": "nb.py", "ui_values": {},
           "cells": [{"code_hash": code_hash("a = 1\na"), "status": "idle", "ran_at": None,
                      "outputs": [{"kind": "data", "data": {"text/plain": "t"},
                                   "$blobs": {"image/png": "../../secret.png"}}]}]}
    store.path.write_text(json.dumps(doc))
    restored = store.restore(_open(nb)[1], store.load().data)
    assert list(restored.values())[0].outputs == [_out("t")]


def test_read_only_directory_save_raises_oserror_and_load_is_quiet(read_only_dir: Path) -> None:
    nb = read_only_dir / "nb.py"
    store = SidecarStore(nb)
    with pytest.raises(OSError):
        store.save(SidecarData("nb.py", [CellRecord(code_hash("x = 1"), "idle", [_out("1")])]))
    assert store.load().data is None and store.load().notice is None
    assert not store.dir.exists()


def test_sidecar_path_is_per_notebook(tmp_path: Path) -> None:
    assert sidecar_path(tmp_path / "a.py") != sidecar_path(tmp_path / "b.py")
    assert sidecar_path(tmp_path / "a.py").parent == tmp_path / "__reflow__"
