"""Output history in real Sessions with real kernels: runs recorded, asked for on demand, carried by Save As."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import code_ids, handle, notebook_in_folder, text_of

from reflow_desktop.session import Session
from reflow_desktop.sidecar.history import history_root

NOTEBOOK = """\
# %%
x = 1
print("x is", x)

# %%
y = x * 10
y
"""


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    return notebook_in_folder(tmp_path, NOTEBOOK)


async def started(path: Path) -> Session:
    """A started session whose opening run (auto mode) has finished: a barrier that runs nothing."""
    s = Session(path, autosave_delay=None)
    await s.start()
    await handle(s, {"type": "set_mode", "mode": "auto"})
    return s


async def history_of(session: Session, cell: str) -> dict[str, Any]:
    """What a page gets for ``history_get`` (after the pending history write)."""
    await session.saves.save("history")
    replies: list[dict[str, Any]] = []
    await handle(session, {"type": "history_get", "request_id": "r1", "id": cell}, replies.append)
    assert len(replies) == 1 and replies[0]["type"] == "cell_history" and replies[0]["request_id"] == "r1"
    return replies[0]


async def test_three_runs_with_different_code_are_three_entries_with_their_code(nb_path: Path) -> None:
    s = await started(nb_path)
    try:
        a, b = code_ids(s)
        for n in (1, 2, 3):
            await handle(s, {"type": "run", "cells": [{"id": a, "code": f'x = {n}\nprint("x is", x)'}]})
        reply = await history_of(s, a)
        assert [e["code"] for e in reply["entries"]] == [f'x = {n}\nprint("x is", x)' for n in (1, 2, 3)]
        assert [text_of(e["outputs"]) for e in reply["entries"]] == ["x is 1\n", "x is 2\n", "x is 3\n"]
        assert all(e["ran_at"].endswith("Z") for e in reply["entries"]) and reply["notes"] == []
        # the dependent cell re-ran each time (auto mode): same code, other input, other output
        down = await history_of(s, b)
        assert [text_of(e["outputs"]) for e in down["entries"]] == ["10", "20", "30"]
        assert {e["code"] for e in down["entries"]} == {"y = x * 10\ny"}
        # the same run again adds nothing: it moves to the newest place
        await handle(s, {"type": "run", "cells": [{"id": a, "code": 'x = 1\nprint("x is", x)'}]})
        again = await history_of(s, a)
        assert [text_of(e["outputs"]) for e in again["entries"]] == ["x is 2\n", "x is 3\n", "x is 1\n"]
    finally:
        await s.close()

    reopened = Session(nb_path, autosave_delay=None)  # a new window: new cell ids, the history found again
    try:
        a2 = code_ids(reopened)[0]
        reply = await history_of(reopened, a2)
        assert [text_of(e["outputs"]) for e in reply["entries"]] == ["x is 2\n", "x is 3\n", "x is 1\n"]
    finally:
        await reopened.close()


async def test_a_damaged_entry_is_skipped_with_a_note_and_the_rest_shown(nb_path: Path) -> None:
    s = await started(nb_path)
    try:
        a = code_ids(s)[0]
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('first')"}]})
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('second')"}]})
        await s.saves.save("history")
        chain = s.sidecar.history.store.chains[a]
        assert [e.code for e in chain] == [
            NOTEBOOK.split("\n\n")[0].removeprefix("# %%\n"),
            "print('first')",
            "print('second')",
        ]
        history_root(nb_path).path(chain[1].outputs).write_bytes(b"\x00garbage")
        reply = await history_of(s, a)
        assert [text_of(e["outputs"]) for e in reply["entries"]] == ["x is 1\n", "second\n"]
        assert len(reply["notes"]) == 1 and "skipped" in reply["notes"][0]
    finally:
        await s.close()


async def test_save_as_carries_the_history_and_later_runs_go_beside_the_new_file(nb_path: Path, tmp_path: Path) -> None:
    s = await started(nb_path)
    new = tmp_path / "elsewhere" / "copy.py"
    new.parent.mkdir()
    try:
        a = code_ids(s)[0]
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('before')"}]})
        await s.saves.save("history")
        await s.save_as(new)
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('after')"}]})
        reply = await history_of(s, a)
        assert [text_of(e["outputs"]) for e in reply["entries"]] == ["x is 1\n", "before\n", "after\n"]
    finally:
        await s.close()
    old = Session(nb_path, autosave_delay=None)
    copy = Session(new, autosave_delay=None)
    try:
        old_reply = await history_of(old, code_ids(old)[0])
        assert [text_of(e["outputs"]) for e in old_reply["entries"]] == ["x is 1\n", "before\n"]  # untouched
        copy_reply = await history_of(copy, code_ids(copy)[0])
        assert [text_of(e["outputs"]) for e in copy_reply["entries"]] == ["x is 1\n", "before\n", "after\n"]
    finally:
        await old.close()
        await copy.close()


async def test_history_get_for_an_unknown_cell_is_an_error(nb_path: Path) -> None:
    s = Session(nb_path, autosave_delay=None)
    try:
        replies: list[dict[str, Any]] = []
        await handle(s, {"type": "history_get", "request_id": "r", "id": "nope"}, replies.append)
        assert [m["type"] for m in replies] == ["error"]
    finally:
        await s.close()


async def test_the_budget_setting_applies_from_the_next_write(
    nb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reflow_desktop.settings import Settings, save_settings

    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))
    s = await started(nb_path)
    try:
        a = code_ids(s)[0]
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('kept')"}]})
        assert [text_of(e["outputs"]) for e in (await history_of(s, a))["entries"]] == ["x is 1\n", "kept\n"]
        save_settings(Settings().updated(history_budget_mb=0))  # "Keep no history"
        await handle(s, {"type": "run", "cells": [{"id": a, "code": "print('not kept')"}]})
        assert (await history_of(s, a))["entries"] == []
        assert [p.name for p in history_root(nb_path).root.iterdir()] == ["index.json"]  # the runs' files went too
    finally:
        await s.close()
