"""reflow.ui values survive closing and reopening a notebook (issue 16 item 2), with real kernels.

The values are kept per cell in ``__reflow__/`` (matched to the cells by content and position,
never by session ids) and the reopened kernel's run uses them: the reader cell's output shows
the restored values, not the defaults. Values that no longer fit fall back to the default with
a notice; hostile stored values are ignored without a crash.

Waits are for events (pytest-timeout guards the whole test); nothing asserts a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder, code_ids, handle, notebook_in_folder, text_of

from reflow_desktop.session import Session
from reflow_desktop.sidecar.store import SidecarStore

NOTEBOOK = """\
# %%
import reflow
n = reflow.ui.slider(0, 10, value=2, label="n")
fruit = reflow.ui.dropdown(["apple", "pear", "plum"], value="apple", label="fruit")
reflow.hstack([n, fruit])

# %%
print(f"n={n.value} fruit={fruit.value}")

# %%
other = 1
other
"""


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    return notebook_in_folder(tmp_path, NOTEBOOK)


def element_ids(outputs: list[dict[str, Any]]) -> dict[str, str]:
    """kind -> element id of every reflow.ui element shown in ``outputs``."""
    found: dict[str, str] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("element_id"), str) and isinstance(node.get("kind"), str):
                found[node["kind"]] = node["element_id"]
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(outputs)
    return found


def reader_text(s: Session) -> str:
    return text_of(s.outputs_of(code_ids(s)[1]))


async def started(nb_path: Path) -> tuple[Session, Recorder]:
    """A session on ``nb_path`` whose first run (auto mode) has finished."""
    s = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    s.attach(rec)
    await s.start()
    await handle(s, {"type": "set_mode", "mode": "auto"})  # a barrier: after the opening run
    return s, rec


async def choose(s: Session, slider: int, fruit: str) -> None:
    ids = element_ids(s.outputs_of(code_ids(s)[0]))
    await handle(s, {"type": "set_ui_value", "element_id": ids["slider"], "value": slider})
    await handle(s, {"type": "set_ui_value", "element_id": ids["dropdown"], "value": fruit})
    assert reader_text(s) == f"n={slider} fruit={fruit}\n"


async def test_values_set_in_the_ui_are_used_by_the_reopened_run(nb_path: Path) -> None:
    s, _ = await started(nb_path)
    try:
        assert reader_text(s) == "n=2 fruit=apple\n"
        await choose(s, 7, "pear")
        other = {"id": code_ids(s)[2], "code": "other = 2\nother"}
        await handle(s, {"type": "run", "cells": [other]})  # an unrelated cell, edited
        await handle(s, {"type": "run", "cells": [{"id": code_ids(s)[0]}]})  # the defining cell again
        assert reader_text(s) == "n=7 fruit=pear\n"
    finally:
        await s.close()

    s2 = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    s2.attach(rec)
    try:
        first = code_ids(s2)[1]
        assert reader_text(s2) == "n=7 fruit=pear\n"  # restored view, before any run
        await s2.start()
        await handle(s2, {"type": "set_mode", "mode": "auto"})  # a barrier: after the opening run
        # the run really happened (the reader's output is new) and used the restored values
        assert any(m.get("type") == "cell_clear" and m.get("id") == first for m in rec.messages)
        assert reader_text(s2) == "n=7 fruit=pear\n"
        shown = s2.outputs_of(code_ids(s2)[0])
        assert '"value": 7' in json.dumps(shown) and '"value": "pear"' in json.dumps(shown)
    finally:
        await s2.close()


async def test_values_survive_a_kernel_restart_in_the_same_session(nb_path: Path) -> None:
    s, _ = await started(nb_path)
    try:
        await choose(s, 5, "plum")
        await s.restart()  # a fresh kernel (also what a package change does): same cells, same ids
        await handle(s, {"type": "run_all"})
        assert reader_text(s) == "n=5 fruit=plum\n"
    finally:
        await s.close()


async def test_a_value_that_no_longer_fits_falls_back_to_the_default_with_a_notice(nb_path: Path) -> None:
    s, _ = await started(nb_path)
    try:
        await choose(s, 9, "plum")
    finally:
        await s.close()
    # while closed: the slider's range shrinks below 9 and the option "plum" goes away
    nb_path.write_text(NOTEBOOK.replace("slider(0, 10,", "slider(0, 5,").replace(', "plum"]', "]"))
    s2, rec = await started(nb_path)
    try:
        assert reader_text(s2) == "n=2 fruit=apple\n"
        notice = await rec.wait_for(lambda m: m.get("type") == "notice" and "saved value" in m.get("text", ""))
        assert 'slider "n": the saved value 9 is outside 0 to 5 now' in notice["text"]
        assert 'dropdown "fruit": the saved value "plum" is not one of its options now' in notice["text"]
        await s2.sidecar.writer.flush()
    finally:
        await s2.close()
    stored = SidecarStore(nb_path).load().data
    assert stored is not None and all(not c.ui_values for c in stored.cells)  # the stale values are gone


@pytest.mark.parametrize(
    "slider_value, fruit_value",
    [
        ("7", 3),  # wrong types
        (float("nan"), ["pear"]),  # NaN (Python's json writes and reads it), a list for a label
        (10**400, "x" * 2_000_000),  # a huge number, a huge string
        (True, None),  # a bool is no number; None where a choice is required
        ({"deep": [[[[]]]]}, {"": ""}),  # containers
    ],
    ids=["wrong-types", "nan-and-list", "huge", "bool-and-none", "containers"],
)
async def test_hostile_stored_values_are_ignored(nb_path: Path, slider_value: object, fruit_value: object) -> None:
    s, _ = await started(nb_path)
    try:
        await choose(s, 7, "pear")
        await s.sidecar.writer.flush()
    finally:
        await s.close()
    store = SidecarStore(nb_path)
    doc = json.loads(store.path.read_text())
    kept = doc["cells"][0]["ui_values"]
    assert sorted(kept.values(), key=str) == [7, "pear"]
    for key in kept:
        kept[key] = slider_value if key.startswith("slider") else fruit_value
    doc["cells"][0]["ui_values"]["junk"] = "unused"
    doc["cells"][1]["ui_values"] = ["not", "a", "dict"]
    store.path.write_text(json.dumps(doc))
    s2, _ = await started(nb_path)
    try:
        assert reader_text(s2) == "n=2 fruit=apple\n"  # defaults; the kernel is fine
        await choose(s2, 3, "plum")  # and it still works
    finally:
        await s2.close()


# --- the file format and the matching, without a kernel -------------------------------------------
def test_a_cells_values_are_stored_with_it_and_follow_it_by_content_and_position(tmp_path: Path) -> None:
    from reflow.notebook import parse_notebook
    from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
    from reflow_desktop.sidecar.store import CellSource

    nb = tmp_path / "nb.py"
    nb.write_text("# %%\na = 1\n")
    store = SidecarStore(nb)
    codes = ["import reflow\nn = reflow.ui.slider(0, 9)", "print(n.value)", "x = 1"]
    records = [CellRecord(code_hash(c), ui_values={"slider#0": 4} if i == 0 else {}) for i, c in enumerate(codes)]
    store.save(SidecarData("nb.py", records))
    doc = json.loads(store.path.read_text())
    assert doc["cells"][0]["ui_values"] == {"slider#0": 4} and "ui_values" not in doc["cells"][1]
    loaded = store.load()
    assert loaded.notice is None and loaded.data is not None
    # reopened with the defining cell edited (it has no outputs) and a new cell at the end: its values find it
    text = "# %%\n" + codes[0] + ", label='n'\n\n# %%\n" + codes[1] + "\n\n# %%\n" + codes[2] + "\n\n# %%\nnew = 0\n"
    cells = parse_notebook(text).cells
    restored = store.restore([CellSource(c.id, c.kind, c.source) for c in cells], loaded.data)
    assert restored[cells[0].id].ui_values == {"slider#0": 4} and restored[cells[0].id].status == "stale"
    assert restored[cells[1].id].ui_values == {} and cells[3].id not in restored


def test_hostile_cell_values_in_the_file_are_dropped_with_a_notice(tmp_path: Path) -> None:
    from reflow_desktop.sidecar.format import code_hash

    nb = tmp_path / "nb.py"
    nb.write_text("# %%\na = 1\n")
    store = SidecarStore(nb)
    store.path.parent.mkdir()
    cells = [
        {
            "code_hash": code_hash("a = 1"),
            "outputs": [],
            "ui_values": {"ok#0": 1, "nan#0": float("nan"), "big#0": "x" * 2_000_000},
        },
        {"code_hash": code_hash("b = 1"), "outputs": [], "ui_values": "junk"},
    ]
    store.path.write_text(json.dumps({"version": 1, "notebook": "nb.py", "cells": cells}))
    loaded = store.load()
    assert loaded.data is not None
    assert [c.ui_values for c in loaded.data.cells] == [{"ok#0": 1}, {}]
    assert "3 unusable widget values ignored" in (loaded.notice or "")


async def test_kept_values_follow_the_notebook_on_save_as(nb_path: Path) -> None:
    s = Session(nb_path, autosave_delay=None)  # not started: the kernel's event fed by hand
    try:
        first = code_ids(s)[0]
        s._on_kernel_event({"type": "cell_status", "id": first, "status": "running"})
        s._on_kernel_event({"type": "cell_status", "id": first, "status": "idle"})
        s._on_kernel_event({"type": "ui_kept", "cells": {first: {"slider[n]#0": 6}}})
        copy = nb_path.parent / "copy.py"
        await s.save_as(copy)
        await s.sidecar.writer.flush()
    finally:
        await s.close()
    stored = SidecarStore(copy).load().data
    assert stored is not None and stored.cells[0].ui_values == {"slider[n]#0": 6}
    s2 = Session(copy, autosave_delay=None)
    try:
        assert s2._open_data(run=True)["ui_values"] == {code_ids(s2)[0]: {"slider[n]#0": 6}}
    finally:
        await s2.close()
