"""No edit lost (issue 15): autosave ceiling, the file on disk checked before a save, one owner per
notebook, read-only files, hostile text, edits during kernel start, restart and interrupt storms."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import Recorder, code_ids

from reflow_desktop.session import Session
from reflow_desktop.session.session import NOTEBOOK


async def test_continuous_typing_is_saved_at_least_once_a_second(nb_path: Path) -> None:
    # Edits 0.05 s apart, under the 0.2 s debounce: a sliding debounce alone never saves while they come.
    s = Session(nb_path, autosave_delay=0.2)
    try:
        a = code_ids(s)[0]
        loop = asyncio.get_running_loop()
        started = loop.time()
        for i in range(60):
            await s.handle({"type": "edit", "id": a, "code": f"x = {i}"}, lambda m: None)
            await asyncio.sleep(0.05)
        typed_for = loop.time() - started  # >= 3 s of loop time, whatever the machine's load
        saves = s.saves.entry(NOTEBOOK).saves
        assert saves >= int(typed_for) - 1 >= 2, (saves, typed_for)  # ~1 save a second while typing
        assert "x = " in nb_path.read_text() and "x = 1\n" not in nb_path.read_text()
    finally:
        await s.close()


async def test_a_change_on_disk_just_before_the_autosave_is_never_overwritten(nb_path: Path) -> None:
    from reflow_desktop.sidecar.recovery import list_recoverable

    s = Session(nb_path, autosave_delay=0.3)
    s.sidecar.watch_interval = 3600.0  # the watcher's poll has not seen it: only the pre-save check can
    s.sidecar.start()
    rec = Recorder()
    s.attach(rec)
    try:
        a = code_ids(s)[0]
        await s.handle({"type": "edit", "id": a, "code": "x = 'mine'"}, lambda m: None)
        theirs = nb_path.read_text().replace("x = 1", "x = 'theirs'")
        nb_path.write_text(theirs)  # another editor / git pull, before the autosave fires
        got = await rec.wait_for(lambda m: m["type"] in ("saved", "notice"))
        assert got["type"] == "notice" and "changed on disk" in got["text"], got
        assert nb_path.read_text() == theirs  # their change survives
        copies = [e for e in list_recoverable(include_live=True) if e.origin == str(nb_path.resolve())]
        assert copies and "x = 'mine'" in copies[0].read_text()  # the user's edit, in a recovery file
        assert s.dirty and s.saves.entry(NOTEBOOK).saves == 0  # nothing written over it, edits kept here
    finally:
        await s.close()
    assert nb_path.read_text() == theirs  # closing does not overwrite it either


async def test_invalid_text_is_refused_at_the_protocol_and_changes_nothing(nb_path: Path) -> None:
    s = Session(nb_path, autosave_delay=None)
    try:
        a = code_ids(s)[0]
        version = s.document.version
        for bad in ("x = '\ud83d'", "x = 1\x00", {"\ud800": 1}):
            replies: list[dict] = []
            msg = (
                {"type": "edit", "id": a, "code": bad}
                if isinstance(bad, str)
                else {"type": "set_options", "id": a, "options": bad}
            )
            await s.handle(msg, replies.append)
            assert [r["type"] for r in replies] == ["error"], replies
            assert s.document.version == version and s.document.cell(a).source == "x = 1" and not s.dirty
        replies = []
        tx = {"type": "transaction", "changes": [{"op": "set_code", "id": a, "code": "\x00"}]}
        await s.handle(tx, replies.append)
        assert [r["type"] for r in replies] == ["error"] and s.document.version == version
    finally:
        await s.close()


async def test_text_a_file_cannot_hold_never_blocks_later_saves(nb_path: Path) -> None:
    # Bad text that got into the document some other way: the autosave reports it and stays pending;
    # the next good edit is saved (before, the NotebookFormatError escaped every autosave).
    from reflow.notebook.document import SetCode, Transaction

    s = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    s.attach(rec)
    try:
        a = code_ids(s)[0]
        s.apply(Transaction((SetCode(a, "x = '\ud83d'"),), "ui"), to_kernel=False)
        assert s._autosave_now() is False and s.dirty
        await rec.wait_for(lambda m: m["type"] == "notice" and m["level"] == "error")
        assert "x = 1" in nb_path.read_text()
        await s.handle({"type": "edit", "id": a, "code": "x = 'fixed'"}, lambda m: None)
        await s.saves.save(NOTEBOOK)  # what the autosave timer runs
        assert "x = 'fixed'" in nb_path.read_text() and not s.dirty
    finally:
        await s.close()
