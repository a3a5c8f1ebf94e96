"""The sidecar wired into real Sessions with real kernels (and a real server/WebSocket).

Waits are for events (pytest-timeout guards the whole test); nothing asserts a time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder, code_ids, handle, notebook_in_folder, text_of
from tornado.websocket import websocket_connect

from reflow.notebook import read_notebook
from reflow_desktop.server import ReflowServer
from reflow_desktop.session import Session
from reflow_desktop.session.session import NOTEBOOK as NOTEBOOK_FILE
from reflow_desktop.sidecar.recovery import list_recoverable
from reflow_desktop.sidecar.store import SidecarStore

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
#
# [tool.reflow]
# runtime = "lazy"
# ///

# %%
x = 1
x

# %%
y = x + 1
print("y is", y)

# %% [markdown]
# Notes

# %%
z = y * 10
z
"""


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    return notebook_in_folder(tmp_path, NOTEBOOK)


async def run_and_close(nb_path: Path) -> None:
    """Open, run every cell, close: the sidecar now holds all outputs."""
    s = Session(nb_path, autosave_delay=None)
    await s.start()
    await handle(s, {"type": "run_all"})
    await s.close()


def code_states(session: Session) -> list[dict]:
    return [c for c in session.session_message()["cells"] if c["kind"] == "code"]


async def watched(nb_path: Path, autosave_delay: float | None) -> tuple[Session, Recorder]:
    """A started session whose file watcher looks every 50 ms, and a page recording what it is told."""
    s = Session(nb_path, autosave_delay=autosave_delay)
    s.sidecar.watch_interval = 0.05
    rec = Recorder()
    s.attach(rec)
    await s.start()
    return s, rec


async def test_reopen_shows_outputs_without_running_and_one_edit_goes_stale(nb_path: Path) -> None:
    await run_and_close(nb_path)
    assert SidecarStore(nb_path).load().data is not None
    nb_path.write_text(NOTEBOOK.replace("y = x + 1", "y = x + 2"))  # one cell changed on disk

    s = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    s.attach(rec)  # before the kernel starts: the outputs come from the sidecar alone
    try:
        cells = [c for c in rec.messages[0]["cells"] if c["kind"] == "code"]
        assert [c["status"] for c in cells] == ["idle", "stale", "idle"]
        assert [text_of(c["outputs"]) for c in cells] == ["1", "y is 2\n", "20"]
        await s.start()
        await handle(s, {"type": "set_mode", "mode": "lazy"})  # a barrier that runs nothing
        assert not any(m["type"] == "cell_clear" or m.get("status") == "running" for m in rec.messages)
        assert [c["status"] for c in code_states(s)] == ["idle", "stale", "idle"]
        assert [text_of(c["outputs"]) for c in code_states(s)] == ["1", "y is 2\n", "20"]
        await handle(s, {"type": "run", "cells": [{"id": cells[2]["id"]}]})  # runs its stale ancestors
        assert [c["status"] for c in code_states(s)] == ["idle", "idle", "idle"]
        assert [text_of(c["outputs"]) for c in code_states(s)] == ["1", "y is 3\n", "30"]
    finally:
        await s.close()


async def test_outputs_written_after_a_run_carry_the_producing_code_hash(nb_path: Path) -> None:
    s = Session(nb_path, autosave_delay=3600)  # autosave on: close saves the pending edit
    await s.start()
    try:
        a = s.notebook.cells[0].id
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "x = 5\nx"}]})
        await handle(s, {"type": "edit", "id": a, "code": "x = 6\nx"})  # edited, not re-run
        await s.sidecar.writer.flush()
    finally:
        await s.close()
    s2 = Session(nb_path, autosave_delay=None)
    try:
        first = code_states(s2)[0]
        assert first["code"] == "x = 6\nx"  # close saved the edit
        assert first["status"] == "stale" and text_of(first["outputs"]) == "5"
    finally:
        await s2.close()


async def test_corrupt_sidecar_gives_a_notice_and_editing_works(nb_path: Path) -> None:
    store = SidecarStore(nb_path)
    store.dir.mkdir()
    store.path.write_text('{"version": 1, "cells": [{"code_hash": "ab')  # truncated
    s = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    s.attach(rec)
    try:
        notice = await rec.wait_for(lambda m: m["type"] == "notice")
        assert notice["level"] == "warning" and "ignored" in notice["text"]
        assert all(not c["outputs"] for c in code_states(s))
        await s.start()
        await handle(s, {"type": "run_all"})
    finally:
        await s.close()
    assert SidecarStore(nb_path).load().notice is None  # replaced by a valid file


async def test_external_change_reloads_keeping_unchanged_outputs(nb_path: Path) -> None:
    await run_and_close(nb_path)
    s, rec = await watched(nb_path, autosave_delay=None)
    try:
        before = code_states(s)
        nb_path.write_text(NOTEBOOK.replace("z = y * 10", "z = y * 100"))  # e.g. git pull
        notice = await rec.wait_for(lambda m: m["type"] == "notice" and "reloaded" in m["text"])
        assert notice["level"] == "info" and "1 cell changed" in notice["text"]
        cells_msg = await rec.wait_for(lambda m: m["type"] == "cells")
        code = [c for c in cells_msg["cells"] if c["kind"] == "code"]
        assert [c["id"] for c in code[:2]] == [c["id"] for c in before[:2]]
        assert [text_of(c["outputs"]) for c in code] == ["1", "y is 2\n", ""]
        assert code[2]["code"] == "z = y * 100\nz" and code[2]["id"] != before[2]["id"]
        await handle(s, {"type": "run", "cells": [{"id": code[2]["id"]}]})
        assert text_of(s.cache.get(code[2]["id"]).outputs) == "200"  # the kernel has the new code
    finally:
        await s.close()
    assert nb_path.read_text() == NOTEBOOK.replace("z = y * 10", "z = y * 100")


async def test_conflict_never_overwrites_either_side(nb_path: Path) -> None:
    s, rec = await watched(nb_path, autosave_delay=3600)
    theirs = NOTEBOOK.replace("x = 1", "x = 'theirs'")
    try:
        a = s.notebook.cells[0].id
        await handle(s, {"type": "edit", "id": a, "code": "x = 'mine'\nx"})  # autosave pending …
        nb_path.write_text(theirs)  # … while another program writes the file
        notice = await rec.wait_for(lambda m: m["type"] == "notice" and "unsaved edits" in m["text"])
        assert notice["level"] == "warning"
        await handle(s, {"type": "edit", "id": a, "code": "x = 'mine, more'\nx"})
        await s.saves.save(NOTEBOOK_FILE)  # the autosave its timer would run, now: it must not write
        assert nb_path.read_text() == theirs  # their version is not overwritten …
        assert s.notebook.cells[0].source == "x = 'mine, more'\nx"  # … nor are my edits replaced
        [copy] = list_recoverable(include_live=True)
        assert copy.reason == "conflict" and "x = 'mine, more'" in copy.read_text()
        await handle(s, {"type": "save"})  # the user decides: my version
        assert "x = 'mine, more'" in nb_path.read_text()
        assert list_recoverable(include_live=True) == []
    finally:
        await s.close()


async def test_unwritable_directory_notice_editing_continues(nb_path: Path, read_only_ctx) -> None:
    with read_only_ctx(nb_path.parent):
        s = Session(nb_path, autosave_delay=0.01)
        s.sidecar.writer.delay = 0.01
        rec = Recorder()
        s.attach(rec)
        await s.start()
        try:
            await handle(s, {"type": "run_all"})
            notice = await rec.wait_for(lambda m: m["type"] == "notice" and "Outputs cannot be saved" in m["text"])
            assert notice["level"] == "warning"
            a = s.notebook.cells[0].id
            await handle(s, {"type": "run", "cells": [{"id": a, "code": "x = 3\nx"}]})
            assert text_of(s.cache.get(a).outputs) == "3"  # editing and running go on
            await rec.wait_for(lambda m: m["type"] == "notice" and "Could not save" in m["text"])
            [copy] = list_recoverable(include_live=True)  # the edit is kept somewhere writable
            assert "x = 3" in copy.read_text()
            await handle(s, {"type": "run", "cells": [{"id": a, "code": "x = 4\nx"}]})
            await s.sidecar.writer.flush()
            assert sum("Outputs cannot be saved" in m.get("text", "") for m in rec.messages) == 1
        finally:
            await s.close()
        assert "x = 4" in list_recoverable(include_live=True)[0].read_text()  # kept after close
        assert not (nb_path.parent / "__reflow__").exists()


APP = textwrap.dedent("""
    import asyncio, sys
    from reflow_desktop.session import Session

    async def main():
        s = Session(sys.argv[1], autosave_delay=0.01)
        s.sidecar.writer.delay = 0.01
        await s.start()
        a = s.notebook.cells[0].id
        i = 0
        while True:
            i += 1
            fut = await s.handle({"type": "run", "cells": [{"id": a, "code": f"x = {i}\\nx"}]},
                                 lambda m: None)
            await fut
            # The timed writes go on (delay 0.01); these make this edit's ones happen before it is reported.
            await s.saves.save("notebook")
            await s.sidecar.writer.flush()
            print(i, flush=True)

    asyncio.run(main())
""")


def test_sigkill_mid_edit_keeps_last_edit_and_valid_sidecar(nb_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen(
        [sys.executable, "-c", APP, str(nb_path)], stdout=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    assert proc.stdout is not None
    last = 0
    for _ in range(15):
        last = int(proc.stdout.readline())
    os.killpg(proc.pid, signal.SIGKILL)  # the app and its kernel, mid-edit
    proc.wait()
    nb = read_notebook(nb_path)  # parses: never half-written
    saved = int(nb.cells[0].source.split()[2])
    assert saved >= last  # every edit reported done was saved (then maybe one more)
    doc = json.loads(SidecarStore(nb_path).path.read_text())  # valid JSON
    assert doc["version"] == 1 and doc["cells"]


async def test_websocket_session_message_carries_restored_outputs(nb_path: Path) -> None:
    await run_and_close(nb_path)
    srv = ReflowServer()
    await srv.start()
    try:
        session = await srv.open_notebook(nb_path, autosave_delay=None)
        conn = await websocket_connect(srv.ws_url(session.id))
        msg: dict[str, Any] = {}
        while msg.get("type") != "session":
            msg = json.loads(await conn.read_message())
        code = [c for c in msg["cells"] if c["kind"] == "code"]
        assert [text_of(c["outputs"]) for c in code] == ["1", "y is 2\n", "20"]
        assert {c["status"] for c in code} == {"idle"}
        conn.close()
    finally:
        await srv.stop()


async def test_initial_stale_filtered_also_in_batches_and_ui_values_round_trip(nb_path: Path) -> None:
    await run_and_close(nb_path)
    s = Session(nb_path, autosave_delay=None)  # not started: events fed by hand
    try:
        a, b, c = [x.id for x in s.notebook.cells if x.kind == "code"]
        s._on_kernel_event(
            {
                "type": "batch",
                "events": [
                    {"type": "cell_status", "id": a, "status": "stale"},
                    {"type": "cell_status", "id": b, "status": "stale"},
                ],
            }
        )
        # shown as up to date (their outputs are current), but the kernel's word is recorded, not dropped
        assert s.cache.get(a).shown_status == "idle" and s.cache.get(b).shown_status == "idle"
        assert s.cache.get(a).status == "stale" and s.cache.get(a).restored
        s._on_kernel_event({"type": "done", "seq": 1, "op": "open"})
        s._on_kernel_event({"type": "cell_status", "id": c, "status": "stale"})  # later: real
        assert s.cache.get(c).shown_status == "stale"
        s._on_kernel_event({"type": "cell_status", "id": a, "status": "stale"})  # a real one for a too
        assert s.cache.get(a).shown_status == "stale" and not s.cache.get(a).restored
        # reflow.ui values the kernel keeps are per cell and slot (session ids do not survive a reopen)
        s._on_kernel_event({"type": "batch", "events": [{"type": "ui_kept", "cells": {a: {"slider#0": 7}}}]})
        await s.sidecar.writer.flush()
    finally:
        await s.close()
    s2 = Session(nb_path, autosave_delay=None)
    try:
        assert s2._open_data(run=False)["ui_values"] == {code_ids(s2)[0]: {"slider#0": 7}}
    finally:
        await s2.close()


async def test_unreadable_file_on_disk_pauses_autosave_until_valid_again(nb_path: Path) -> None:
    s, rec = await watched(nb_path, autosave_delay=0.01)
    try:
        nb_path.write_bytes(b"\xff\xfe half-written binary")
        await rec.wait_for(lambda m: m["type"] == "notice" and "cannot be read" in m["text"])
        a = s.notebook.cells[0].id
        await handle(s, {"type": "edit", "id": a, "code": "x = 2\nx"})
        await s.saves.save(NOTEBOOK_FILE)  # the autosave its timer would run, now: it must not write
        assert nb_path.read_bytes() == b"\xff\xfe half-written binary"
        valid = NOTEBOOK.replace("z = y * 10", "z = y * 11")
        nb_path.write_text(valid)  # the other program finished: it is a conflict with my edit now
        await rec.wait_for(lambda m: m["type"] == "notice" and "unsaved edits" in m["text"])
        assert nb_path.read_text() == valid
    finally:
        await s.close()
    assert nb_path.read_text() == NOTEBOOK.replace("z = y * 10", "z = y * 11")  # close kept theirs


class CountingCells(list):  # type: ignore[type-arg]
    """A cell list that counts the walks over it."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingCells.walks += 1
        return super().__iter__()


async def test_a_runs_events_do_not_walk_the_cells_per_event(tmp_path: Path) -> None:
    """Each cell's events found their cell by walking the list (sidecar and history): a 100-cell chain's
    run walked it hundreds of times, quadratic in the notebook's size, on the path to the page."""
    n = 300
    head = ["# %%\nimport itertools\ncounter = itertools.count()", "# %%\nv0 = next(counter)"]
    cells = "\n\n".join(head + [f"# %%\nv{i} = v{i - 1} + 1\nprint(v{i})" for i in range(1, n)])
    s = Session(notebook_in_folder(tmp_path, cells + "\n"), autosave_delay=None)
    await s.start()
    try:
        await handle(s, {"type": "set_mode", "mode": "auto"})
        await handle(s, {"type": "run_all"})
        root = code_ids(s)[1]
        assert text_of(s.outputs_of(code_ids(s)[-1])) == f"{n - 1}\n"
        s.notebook.cells = CountingCells(s.notebook.cells)
        CountingCells.walks = 0
        await handle(s, {"type": "run", "cells": [{"id": root}]})  # v0 = 1: the whole chain again
        assert text_of(s.outputs_of(code_ids(s)[-1])) == f"{n}\n"
        # a walk per event was 1,203 walks for this run; now lookups use the document's id index
        assert CountingCells.walks < n // 10, CountingCells.walks
    finally:
        await s.close()


async def test_a_poll_while_uv_writes_the_file_loses_no_cell(nb_path: Path) -> None:
    """uv rewrites the notebook file (Packages panel: add, remove, lock) in two steps, truncating first. A
    poll of the file watcher between them read a notebook without cells and reloaded it: every cell went
    from the page and from the session's document (CI saw the page empty after adding a package)."""
    s = Session(nb_path, autosave_delay=None)
    await s.start()
    try:
        before = [(c.id, c.kind, c.source) for c in s.notebook.cells]
        block = nb_path.read_text().replace(">=3.11", ">=3.10")
        assert s.sidecar.watcher is not None
        with s.pause_autosave():  # what the Packages panel holds around uv
            nb_path.write_text("")
            s.sidecar.watcher.check()  # a poll lands mid-write
            assert [(c.id, c.kind, c.source) for c in s.notebook.cells] == before
            nb_path.write_text(block)
            s.sidecar.watcher.check()
        s.sidecar.watcher.check()
        # the same cells, not cells deleted and made anew (new ids, outputs gone)
        assert [(c.id, c.kind, c.source) for c in s.notebook.cells] == before
        assert s.sidecar.conflict is None
    finally:
        await s.close()
