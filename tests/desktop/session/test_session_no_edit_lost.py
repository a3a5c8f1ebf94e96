"""No edit lost (issue 15): autosave ceiling, the file on disk checked before a save, one owner per
notebook, read-only files, hostile text, edits during kernel start, restart and interrupt storms."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import WAIT, Recorder, code_ids

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
