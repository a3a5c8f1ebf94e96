"""The output history store over real files: content addressing, dedupe, the budget, hostile files, Save As."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from reflow_desktop.sidecar.format import code_hash
from reflow_desktop.sidecar.history import (
    INDEX,
    MAX_ENTRIES_PER_CELL,
    FinishedRun,
    HistoryStore,
    history_root,
)


def run(cell: str, code: str, text: str, at: str = "2026-12-03T12:00:00Z", inputs: tuple[str, ...] = ()) -> FinishedRun:
    return FinishedRun(cell, code, inputs, at, [{"kind": "stream", "name": "stdout", "text": text}])


def texts(store: HistoryStore, cell: str) -> list[str]:
    return [e.outputs[0]["text"] for e in store.view(cell).entries]


def objects(nb: Path) -> list[str]:
    root = history_root(nb).root
    return sorted(n for n in os.listdir(root) if n != INDEX)


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text("# %%\nx = 1\n")
    return p


def test_runs_are_kept_per_cell_with_their_code_and_survive_a_reopen(nb: Path) -> None:
    store = HistoryStore(nb)
    cells = [("a", code_hash("x = 3")), ("b", code_hash("y = 1"))]
    store.add([run("a", "x = 1", "one", "2026-12-03T12:00:01Z"), run("b", "y = 1", "why")], cells)
    store.add([run("a", "x = 2", "two"), run("a", "x = 3", "three")], cells)
    view = store.view("a")
    assert [e.code for e in view.entries] == ["x = 1", "x = 2", "x = 3"]
    assert view.entries[0].ran_at == "2026-12-03T12:00:01Z" and not view.notes

    again = HistoryStore(nb)  # a new window: cells have new ids, matched by code
    again.load([("n1", code_hash("x = 3")), ("n2", code_hash("y = 1"))])
    assert texts(again, "n1") == ["one", "two", "three"]
    assert texts(again, "n2") == ["why"]


def test_same_code_inputs_and_outputs_are_one_entry_moved_to_newest(nb: Path) -> None:
    store = HistoryStore(nb)
    cells = [("a", code_hash("x"))]
    store.add([run("a", "x", "1"), run("a", "x", "2"), run("a", "x", "1", "2026-12-03T13:00:00Z")], cells)
    view = store.view("a")
    assert [e.outputs[0]["text"] for e in view.entries] == ["2", "1"]
    assert view.entries[-1].ran_at == "2026-12-03T13:00:00Z"
    store.add([run("a", "x", "1", inputs=("upstream changed",))], cells)  # other inputs: another entry
    assert texts(store, "a") == ["2", "1", "1"]


def test_identical_outputs_are_stored_once(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", "x = 1", "same"), run("b", "y = 1", "same")], [("a", "h1" * 32), ("b", "h2" * 32)])
    assert len(objects(nb)) == 1
    assert texts(store, "a") == texts(store, "b") == ["same"]


def test_budget_drops_the_oldest_runs_first_over_all_cells(nb: Path) -> None:
    big = "x" * 10_000
    store = HistoryStore(nb, budget_bytes=35_000)  # three 10 kB outputs fit, four do not
    cells = [("a", "a" * 64), ("b", "b" * 64)]
    store.add([run("a", "a1", big + "1"), run("b", "b1", big + "2")], cells)
    store.add([run("a", "a2", big + "3"), run("b", "b2", big + "4")], cells)
    assert [e.code for e in store.view("a").entries] == ["a2"]
    assert [e.code for e in store.view("b").entries] == ["b1", "b2"]
    assert len(objects(nb)) == 3  # the evicted run's file is gone too

    HistoryStore(nb, budget_bytes=0).add([], cells)  # budget 0: no history at all
    assert objects(nb) == []


def test_a_chain_keeps_at_most_the_newest_entries(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", f"x = {i}", str(i)) for i in range(MAX_ENTRIES_PER_CELL + 3)], [("a", "a" * 64)])
    codes = [e.code for e in store.view("a").entries]
    assert len(codes) == MAX_ENTRIES_PER_CELL and codes[0] == "x = 3"


def test_a_deleted_cell_takes_its_history_with_it(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", "x", "kept"), run("b", "y", "gone")], [("a", "a" * 64), ("b", "b" * 64)])
    store.add([], [("a", "a" * 64)])
    assert texts(store, "a") == ["kept"] and store.view("b").entries == []
    assert len(objects(nb)) == 1


def test_images_are_kept_and_compared_by_content(nb: Path) -> None:
    png = base64.b64encode(b"\x89PNG fake pixels").decode()
    out = {"kind": "data", "data": {"image/png": png, "text/plain": "<Figure>"}}
    store = HistoryStore(nb)
    store.add([FinishedRun("a", "plot()", (), "t", [out])], [("a", "a" * 64)])
    assert store.view("a").entries[0].outputs == [out]


# --- hostile files --------------------------------------------------------------------------
def test_a_corrupt_object_costs_only_its_entry_with_a_note(nb: Path) -> None:
    store = HistoryStore(nb)
    cells = [("a", "a" * 64)]
    store.add([run("a", "x = 1", "first", "2026-12-03T10:00:00Z"), run("a", "x = 2", "second")], cells)
    first = store.chains["a"][0].outputs
    history_root(nb).path(first).write_text("[{]")  # damaged on disk
    view = store.view("a")
    assert [e.code for e in view.entries] == ["x = 2"]
    assert len(view.notes) == 1 and "2026-12-03T10:00:00Z" in view.notes[0] and "skipped" in view.notes[0]


def test_a_tampered_object_with_a_bad_output_is_skipped(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", "x = 1", "ok")], [("a", "a" * 64)])
    name = store.chains["a"][0].outputs
    history_root(nb).path(name).write_text(json.dumps([{"kind": "script", "src": "evil()"}]))
    assert store.view("a").entries == [] and store.view("a").notes


def test_a_linked_object_is_not_followed(nb: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps([{"kind": "stream", "name": "stdout", "text": "private"}]))
    store = HistoryStore(nb)
    store.add([run("a", "x", "mine")], [("a", "a" * 64)])
    path = history_root(nb).path(store.chains["a"][0].outputs)
    path.unlink()
    path.symlink_to(secret)
    view = store.view("a")
    assert view.entries == [] and view.notes
    assert secret.read_text().count("private") == 1  # untouched


def test_a_linked_history_folder_is_refused_on_open_and_write(nb: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (nb.parent / "__reflow__").mkdir()
    (nb.parent / "__reflow__" / "history").symlink_to(elsewhere)
    store = HistoryStore(nb)
    store.load([("a", "a" * 64)])
    assert store.chains == {}
    with pytest.raises(OSError):
        store.add([run("a", "x", "1")], [("a", "a" * 64)])
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    "index",
    [
        b"not json",
        b'{"version": 99, "cells": []}',
        b"[" * 100_000,
        json.dumps({"version": 1, "cells": "no"}).encode(),
    ],
)
def test_an_unusable_index_starts_an_empty_history_with_a_note(nb: Path, index: bytes) -> None:
    root = history_root(nb)
    root.check_dirs(create=True)
    root.path(INDEX).write_bytes(index)
    store = HistoryStore(nb)
    store.load([("a", "a" * 64)])
    assert store.chains == {} and len(store.notes) == 1 and "ignored" in store.notes[0]
    store.add([run("a", "x", "fresh")], [("a", "a" * 64)])  # replaced by the next write
    again = HistoryStore(nb)
    again.load([("a", "a" * 64)])
    assert texts(again, "a") == ["fresh"]


def test_malformed_entries_are_skipped_and_the_rest_kept(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", "x", "good")], [("a", "a" * 64)])
    root = history_root(nb)
    doc = json.loads(root.path(INDEX).read_text())
    good = doc["cells"][0]["entries"][0]
    doc["cells"][0]["entries"] = [
        {**good, "outputs": "../../../etc/passwd"},  # a path out of the folder
        {**good, "size": -1},
        {**good, "code": 42},
        "junk",
        good,
    ]
    doc["cells"].append({"code_hash": "not hex", "entries": []})
    root.path(INDEX).write_text(json.dumps(doc))
    again = HistoryStore(nb)
    again.load([("a", "a" * 64)])
    assert texts(again, "a") == ["good"]
    assert again.notes and "5 malformed entries skipped" in again.notes[0]


def test_an_oversized_index_is_not_parsed(nb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reflow_desktop.sidecar.history as history

    store = HistoryStore(nb)
    store.add([run("a", "x", "1")], [("a", "a" * 64)])
    monkeypatch.setattr(history, "MAX_INDEX_BYTES", 10)
    again = HistoryStore(nb)
    again.load([("a", "a" * 64)])
    assert again.chains == {} and "larger than" in again.notes[0]


def test_files_someone_else_put_there_are_not_deleted(nb: Path) -> None:
    store = HistoryStore(nb)
    store.add([run("a", "x", "1")], [("a", "a" * 64)])
    mine = history_root(nb).path("notes.txt")
    mine.write_text("keep me")
    store.add([], [])
    assert mine.read_text() == "keep me"


# --- Save As ---------------------------------------------------------------------------------
def test_copy_to_carries_the_history_to_the_new_file(nb: Path, tmp_path: Path) -> None:
    store = HistoryStore(nb)
    cells = [("a", code_hash("x = 2"))]
    store.add([run("a", "x = 1", "one"), run("a", "x = 2", "two")], cells)
    (tmp_path / "copy").mkdir()
    new = store.copy_to(tmp_path / "copy" / "renamed.py")
    new.add([run("a", "x = 3", "three")], [("a", code_hash("x = 3"))])
    assert texts(new, "a") == ["one", "two", "three"]
    assert texts(store, "a") == ["one", "two"]  # the old file's history is as it was
    reopened = HistoryStore(tmp_path / "copy" / "renamed.py")
    reopened.load([("z", code_hash("x = 3"))])
    assert texts(reopened, "z") == ["one", "two", "three"]


def test_objects_are_not_flushed_to_disk_but_the_index_is(nb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two fsyncs per object were most of a run's history cost (a slider drag stores one per value)."""
    from reflow.notebook import atomic

    flushed: list[int] = []
    monkeypatch.setattr(atomic.os, "fsync", flushed.append)
    store = HistoryStore(nb)
    store.add([run("a", f"x = {i}", f"out {i}") for i in range(20)], [("a", "a" * 64)])
    assert len(objects(nb)) == 20 and len(flushed) == 2  # the index: its file and its folder


@pytest.mark.parametrize("damage", [b"", b"[]", b"x" * 10], ids=["emptied", "other content", "cut short"])
def test_an_object_a_crash_damaged_is_written_again_when_a_run_brings_it(nb: Path, damage: bytes) -> None:
    """Objects are not flushed, so a crash can empty one: it is skipped when read, and the next run
    with the same outputs writes it again instead of pointing at the damaged file."""
    store = HistoryStore(nb)
    cells = [("a", "a" * 64)]
    store.add([run("a", "x = 1", "same", "2026-12-03T10:00:00Z")], cells)
    name = store.chains["a"][0].outputs
    history_root(nb).path(name).write_bytes(damage)
    assert store.view("a").entries == [] and store.view("a").notes
    store.add([run("a", "x = 2", "same")], cells)  # other code, the same outputs: the same object
    view = store.view("a")  # both entries read it again
    assert [(e.code, e.outputs[0]["text"]) for e in view.entries] == [("x = 1", "same"), ("x = 2", "same")]
    assert view.notes == []
