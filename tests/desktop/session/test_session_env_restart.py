"""An environment change (package added, removed, locked, rebuilt) restarts the kernel in the new
environment without losing the notebook's state (issue 16 item 3): the outputs stay on screen,
marked stale until a run replaces them; auto mode runs the notebook again, lazy mode waits.

``restart_in`` is what the Packages panel calls once the new environment is ready; here it gets
the app's own interpreter, so the kernel restart is real and no uv build is needed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from helpers import WAIT, Recorder, text_of, until

from reflow_desktop.session import Session

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# [tool.reflow]
# runtime = "{mode}"
# ///

# %%
x = 6 * 7

# %%
print("second ran")
x + 1

# %% [markdown]
# notes
"""


def write(tmp_path: Path, mode: str) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(NOTEBOOK.format(mode=mode))
    return path


async def opened(path: Path) -> tuple[Session, Recorder, str]:
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    second = session.notebook.cells[1].id
    if session.mode == "lazy":
        await asyncio.wait_for(await session.handle({"type": "run_all"}, rec), WAIT)
    await until(lambda: "43" in text_of(session.outputs_of(second)) and session.status_of(second) == "idle")
    return session, rec, second


def shown(msg: dict, cell_id: str) -> dict | None:
    """The state of ``cell_id`` in a full ``cells``/``session`` message, else None."""
    if msg["type"] not in ("cells", "session"):
        return None
    return next((c for c in msg["cells"] if c["id"] == cell_id), None)


async def test_auto_mode_runs_again_after_an_environment_restart_keeping_outputs_until_replaced(tmp_path: Path):
    session, rec, second = await opened(write(tmp_path, "auto"))
    try:
        pid = session.kernel.pid
        mark = rec.mark()
        await asyncio.wait_for(session.restart_in(sys.executable), WAIT)
        # the pages learn at once: stale, and the last outputs still there
        told = await rec.wait_for(lambda m: shown(m, second) is not None, mark)
        state = shown(told, second)
        assert state is not None and state["status"] == "stale" and "43" in text_of(state["outputs"])
        # the notebook runs again in the new kernel: the same outputs come back from a real run
        await rec.wait_for(lambda m: m["type"] == "cell_output" and m.get("id") == second, mark)
        await until(lambda: "43" in text_of(session.outputs_of(second)) and session.status_of(second) == "idle")
        assert session.kernel.pid != pid
        # no full-state message in between ever showed the cell empty (only its run's own clear did)
        for m in rec.messages[mark:]:
            st = shown(m, second)
            assert st is None or "43" in text_of(st["outputs"]), m
    finally:
        await session.close()


async def test_lazy_mode_keeps_outputs_marked_stale_after_an_environment_restart(tmp_path: Path):
    session, rec, second = await opened(write(tmp_path, "lazy"))
    try:
        first = session.notebook.cells[0].id
        mark = rec.mark()
        await asyncio.wait_for(session.restart_in(sys.executable), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
        assert session.status_of(second) == "stale" and "43" in text_of(session.outputs_of(second))
        assert session.status_of(first) == "stale"
        assert not any(m["type"] == "cell_clear" for m in rec.messages[mark:])  # nothing ran, nothing cleared
        # a reconnecting page sees the same
        state = shown(session.session_message(), second)
        assert state is not None and state["status"] == "stale" and "43" in text_of(state["outputs"])
        # running the stale cells brings them up to date in the new kernel
        await asyncio.wait_for(await session.handle({"type": "run_stale"}, rec), WAIT)
        await until(lambda: session.status_of(second) == "idle" and "43" in text_of(session.outputs_of(second)))
    finally:
        await session.close()


async def test_the_restart_button_still_starts_clean(tmp_path: Path):
    """Restart (the user's own) is a fresh start: outputs cleared, nothing runs by itself."""
    session, rec, second = await opened(write(tmp_path, "auto"))
    try:
        mark = rec.mark()
        await asyncio.wait_for(session.handle({"type": "restart"}, rec), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
        assert session.outputs_of(second) == []
        assert not any(m["type"] == "cell_output" for m in rec.messages[mark:])
    finally:
        await session.close()
