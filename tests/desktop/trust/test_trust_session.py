"""Safe preview in a real session: an untrusted notebook runs nothing until "Trust and run"."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from helpers import WAIT, Recorder, handle, text_of, trust, until

from reflow_desktop.session import Session
from reflow_desktop.settings import Settings, save_settings


def planted(tmp_path: Path, marker: Path, runtime: str = "auto") -> Path:
    """A notebook as it arrives in a zip: its second cell writes ``marker`` when it runs."""
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = ["six"]\n#\n# [tool.reflow]\n'
        f'# runtime = "{runtime}"\n# ///\n\n'
        f"# %%\nx = 41\nprint('first ran')\n\n# %%\nopen({str(marker)!r}, 'w').write('ran')\ny = x + 1\n"
    )
    return path


async def test_an_untrusted_notebook_opens_in_safe_preview_then_trust_runs_it(
    tmp_path: Path, untrusted_user: Path
) -> None:
    marker = tmp_path / "marker"
    session = Session(planted(tmp_path, marker), autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        first = rec.messages[0]
        assert first["type"] == "session"
        assert first["trust"] == {"status": "untrusted", "held": [], "packages": ["six"]}
        assert not session.kernel_started and session.kernel_state == "dead"  # nothing could run
        replies: list[dict[str, object]] = []
        for msg in ({"type": "run_all"}, {"type": "run", "cells": [{"id": session.notebook.cells[1].id}]}):
            await handle(session, msg, replies.append)
        assert [r["type"] for r in replies] == ["error", "error"]
        assert "not trusted" in str(replies[0]["text"])
        assert not session.kernel_started and not marker.exists()

        await handle(session, {"type": "trust"})  # "Trust and run"
        await rec.wait_for(lambda m: m["type"] == "trust" and m["trust"]["status"] == "trusted")
        await until(marker.exists)
        await until(lambda: "first ran" in text_of(session.outputs_of(session.notebook.cells[0].id)))
    finally:
        await session.close()
    assert (await _status_and_mode(tmp_path / "nb.py"))[0] == "trusted"  # from now on


async def test_a_cell_changed_on_disk_after_trust_waits_while_the_others_run(
    tmp_path: Path, untrusted_user: Path
) -> None:
    marker = tmp_path / "marker"
    path = planted(tmp_path, tmp_path / "unused")
    trust(path)
    path.write_text(path.read_text().replace(str(tmp_path / "unused"), str(marker)))  # a git pull changed cell 2
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        first_id, second_id = (c.id for c in session.notebook.cells)
        assert rec.messages[0]["trust"]["status"] == "changed"
        assert rec.messages[0]["trust"]["held"] == [second_id]
        await rec.wait_for(lambda m: m["type"] == "cell_status" and m["id"] == second_id and m["status"] == "disabled")
        await until(lambda: "first ran" in text_of(session.outputs_of(first_id)))  # the trusted cell ran
        replies: list[dict[str, object]] = []
        await handle(session, {"type": "run", "cells": [{"id": second_id}]}, replies.append)
        assert replies and replies[0]["type"] == "error" and "changed outside Reflow" in str(replies[0]["text"])
        await handle(session, {"type": "run_all"})  # runs what may run; the held cell stays disabled
        assert not marker.exists() and session.status_of(second_id) == "disabled"

        await handle(session, {"type": "trust"})
        await until(marker.exists)
        assert "disabled" not in path.read_text()  # holding never wrote into the file
    finally:
        await session.close()


async def _status_and_mode(path: Path) -> tuple[str, str]:
    """Open ``path`` as the app does (no kernel) and close it again: its trust status and mode."""
    session = Session(path, autosave_delay=None)
    try:
        return session.trust.state.status, session.mode
    finally:
        await session.close()


async def test_the_users_lazy_choice_wins_over_an_untrusted_notebooks_auto(
    tmp_path: Path, untrusted_user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))
    save_settings(Settings(runtime_mode="lazy"))
    path = planted(tmp_path, tmp_path / "marker", runtime="auto")
    assert await _status_and_mode(path) == ("untrusted", "lazy")
    trust(path)
    assert await _status_and_mode(path) == ("trusted", "auto")  # the user's own notebook: its setting is theirs


async def _edit_and_save(path: Path, code: str) -> None:
    session = Session(path, autosave_delay=None)
    try:
        await handle(session, {"type": "edit", "id": session.notebook.cells[0].id, "code": code})
        session.save()
    finally:
        await session.close()


async def test_saving_an_untrusted_notebook_does_not_trust_it_saving_a_trusted_one_re_signs(
    tmp_path: Path, untrusted_user: Path
) -> None:
    path = planted(tmp_path, tmp_path / "marker")
    await _edit_and_save(path, "x = 40")
    assert (await _status_and_mode(path))[0] == "untrusted"
    trust(path)
    await _edit_and_save(path, "x = 39")
    assert "x = 39" in path.read_text()
    assert (await _status_and_mode(path))[0] == "trusted"


async def test_a_new_notebook_is_the_users_own(tmp_path: Path, untrusted_user: Path) -> None:
    path = tmp_path / "new.py"
    session = Session(path, autosave_delay=None)
    try:
        assert session.trust.state.status == "trusted"
        session.save()
    finally:
        await session.close()
    assert (await _status_and_mode(path))[0] == "trusted"


async def test_a_cell_changed_on_disk_while_open_is_held(tmp_path: Path, untrusted_user: Path) -> None:
    marker = tmp_path / "marker"
    path = planted(tmp_path, tmp_path / "unused")
    trust(path)
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        first_id, second_id = (c.id for c in session.notebook.cells)
        await until(lambda: "first ran" in text_of(session.outputs_of(first_id)))
        mark = rec.mark()
        path.write_text(path.read_text().replace(str(tmp_path / "unused"), str(marker)))  # a git pull, Reflow open
        changed = await rec.wait_for(lambda m: m["type"] == "trust", mark)  # the watcher took the file in
        second_id = session.notebook.cells[1].id  # the file's cells, as taken in
        assert changed["trust"]["status"] == "changed" and changed["trust"]["held"] == [second_id]
        await handle(session, {"type": "run_all"})
        assert not marker.exists() and session.status_of(second_id) == "disabled"
        await handle(session, {"type": "trust"})
        await until(marker.exists)
    finally:
        await session.close()
