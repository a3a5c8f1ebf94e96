"""Issue 15: hostile sidecar content (deep nesting, lone surrogates, NUL) gives a notice, never a crash.

Also a notebook changed on disk into something hostile: the reload plan says "invalid" (autosave
pauses, nothing is overwritten) instead of the watcher dying with RecursionError. And a cell that
printed a lone surrogate no longer makes every later sidecar save fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflow.notebook import read_notebook
from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.store import CellSource, SidecarStore
from reflow_desktop.sidecar.watch import plan_reload

NB = "# %%\na = 1\na\n\n# %%\nb = 2\nb\n"


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NB)
    return p


def _doc(cells: list[dict], ui_values: object = None) -> dict:
    return {"version": 1, "notebook": "nb.py", "cells": cells, "ui_values": ui_values or {}}


def _cell(code: str, outputs: list) -> dict:
    return {"code_hash": code_hash(code), "status": "idle", "outputs": outputs, "ran_at": None}


def _restored(nb: Path, store: SidecarStore) -> dict:
    loaded = store.load()
    cells = read_notebook(nb).cells
    return {
        c.source: r.outputs
        for c in cells
        for cid, r in store.restore([CellSource(x.id, x.kind, x.source) for x in cells], loaded.data).items()
        if cid == c.id
    }


def test_an_output_nested_past_the_limit_is_dropped_the_others_restored(nb: Path) -> None:
    deep: object = "x"
    for _ in range(600):  # parses (under json's own limit) but would break code walking it
        deep = [deep]
    store = SidecarStore(nb)
    store.dir.mkdir()
    text = json.dumps(
        _doc(
            [
                _cell(
                    "a = 1\na",
                    [
                        {"kind": "data", "data": {"application/json": deep}},
                        {"kind": "error", "error": {"message": "m", "cells": deep}},
                        {"kind": "stream", "name": "stdout", "text": "kept"},
                    ],
                ),
                _cell("b = 2\nb", [{"kind": "data", "data": {"text/plain": "2"}}]),
            ],
            ui_values={"w": deep},
        )
    )
    store.path.write_text(text)
    loaded = store.load()
    assert loaded.data is not None and loaded.data.ui_values == {}
    assert "2 outputs nested too deeply dropped" in (loaded.notice or "") and "widget values" in (loaded.notice or "")
    assert _restored(nb, store) == {
        "a = 1\na": [{"kind": "stream", "name": "stdout", "text": "kept"}],
        "b = 2\nb": [{"kind": "data", "data": {"text/plain": "2"}}],
    }
    assert store.path.read_text() == text  # reading changes nothing


def test_lone_surrogate_escapes_are_replaced_with_a_notice(nb: Path) -> None:
    store = SidecarStore(nb)
    store.dir.mkdir()
    raw = json.dumps(_doc([_cell("a = 1\na", [{"kind": "stream", "name": "stdout", "text": "half \ud83d and 😀"}])]))
    assert "\\ud83d\\ude00" in raw and "\\ud83d " in raw  # ensure_ascii: a pair and a lone half
    store.path.write_text(raw)
    loaded = store.load()
    assert "not valid Unicode" in (loaded.notice or "")
    assert _restored(nb, store)["a = 1\na"][0]["text"] == "half \ufffd and 😀"


def test_raw_nul_in_the_sidecar_is_ignored_with_a_notice(nb: Path) -> None:
    store = SidecarStore(nb)
    store.dir.mkdir()
    raw = json.dumps(_doc([_cell("a = 1\na", [{"kind": "stream", "name": "stdout", "text": "AB"}])])).encode()
    raw = raw.replace(b"AB", b"A\x00B")
    store.path.write_bytes(raw)
    loaded = store.load()
    assert loaded.data is None and "not valid JSON" in (loaded.notice or "")
    assert store.path.read_bytes() == raw  # left in place: nothing written


def test_an_output_with_a_lone_surrogate_does_not_block_saves(nb: Path) -> None:
    store = SidecarStore(nb)
    data = SidecarData(
        "nb.py",
        [
            CellRecord(
                code_hash("a = 1\na"), "idle", [{"kind": "stream", "name": "stdout", "text": "bad \udc80 text\x00"}]
            )
        ],
    )
    store.save(data)  # before: UnicodeEncodeError on every save, for the rest of the session
    assert store.load().notice is None
    assert _restored(nb, store)["a = 1\na"][0]["text"] == "bad \ufffd text\x00"


@pytest.mark.parametrize(
    "content",
    [
        "# /// script\n# x = " + "[" * 100_000 + "]" * 100_000 + "\n# ///\n\n# %%\n1\n",
        "# %% " + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "\n1\n",
        "# %%\nx = '\x00'\n",
    ],
)
def test_a_notebook_turned_hostile_on_disk_is_an_invalid_reload(nb: Path, content: str) -> None:
    plan = plan_reload(read_notebook(nb), False, content.encode(), "nb.py")
    assert plan.kind == "invalid" and "cannot be read" in plan.message and plan.notebook is None
