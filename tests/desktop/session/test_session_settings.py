"""Session: user settings messages, the notebook's [tool.reflow] config, cache badges."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from helpers import WAIT, handle

from reflow_desktop.session import Session
from reflow_desktop.settings import Settings, save_settings

PERSISTENT = """\
# /// script
# requires-python = ">=3.11"
# ///

# %%
import reflow

# %%
with reflow.persistent_cache("slow"):
    total = sum(range(1000))
print(total)
"""


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """User settings live in the test's tmp dir, never in the real config dir."""
    d = tmp_path / "config"
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(d))
    return d


def split_block(text: str) -> tuple[str, str]:
    """(the PEP 723 block, everything after it)."""
    end = text.index("# ///\n", text.index("# /// script") + 1) + len("# ///\n")
    return text[:end], text[end:]


async def test_settings_get_set_round_trip(session, recorder, config_dir: Path) -> None:
    replies: list[dict] = []
    await handle(session, {"type": "settings_get"}, replies.append)
    assert replies[-1] == {"type": "settings", "values": Settings().to_dict()}

    mark = recorder.mark()
    await handle(session, {"type": "settings_set", "changes": {"keymap": "vim", "font_size": 16}}, replies.append)
    got = await recorder.wait_for(lambda m: m["type"] == "settings", mark)
    assert got["values"]["keymap"] == "vim" and got["values"]["font_size"] == 16
    stored = json.loads((config_dir / "settings.json").read_text())
    assert stored["keymap"] == "vim" and stored["font_size"] == 16

    await handle(session, {"type": "settings_get"}, replies.append)
    assert replies[-1]["values"]["keymap"] == "vim"

    await handle(session, {"type": "settings_set", "changes": {"keymap": "nano"}}, replies.append)
    assert replies[-1]["type"] == "error" and "keymap" in replies[-1]["text"]
    assert json.loads((config_dir / "settings.json").read_text())["keymap"] == "vim"


async def test_set_notebook_config_writes_only_the_block(session, nb_path: Path) -> None:
    before = nb_path.read_text()
    block_before, cells_before = split_block(before)
    await handle(session, {"type": "set_notebook_config", "output": "above", "runtime": "lazy"})
    after = nb_path.read_text()
    block_after, cells_after = split_block(after)
    assert cells_after == cells_before  # cells byte-identical
    assert "# [tool.reflow]\n" in block_after
    assert '# output = "above"\n' in block_after and '# runtime = "lazy"\n' in block_after
    assert block_after.startswith(block_before[: block_before.index("# ///\n", 5)])  # kept lines
    config = session.session_message()["config"]
    assert config["output_position"] == "above"
    assert config["notebook"] == {"output": "above", "runtime": "lazy"}
    assert session.session_message()["mode"] == "lazy"

    # set_mode persists too, and again only in the block
    await handle(session, {"type": "set_mode", "mode": "auto"})
    block, cells = split_block(nb_path.read_text())
    assert cells == cells_before and '# runtime = "auto"\n' in block

    bad: list[dict] = []
    await handle(session, {"type": "set_notebook_config", "output": "left"}, bad.append)
    assert bad[-1]["type"] == "error"


async def test_session_message_output_position_defaults_to_user_setting(nb_path: Path, config_dir: Path) -> None:
    save_settings(Settings(output_position="above", runtime_mode="lazy"))
    s = Session(nb_path, autosave_delay=None)  # not started: the message needs no kernel
    msg = s.session_message()
    assert msg["config"]["output_position"] == "above"
    assert msg["config"]["notebook"] == {"output": None, "runtime": None}
    assert msg["mode"] == "lazy"  # the user's default runtime mode: the notebook names none

    nb_path.write_text(
        nb_path.read_text().replace(
            '# requires-python = ">=3.11"\n',
            '# requires-python = ">=3.11"\n# [tool.reflow]\n# output = "below"\n# runtime = "auto"\n',
        )
    )
    s2 = Session(nb_path, autosave_delay=None)
    assert s2.session_message()["config"]["output_position"] == "below"  # the notebook wins
    assert s2.session_message()["mode"] == "auto"


async def test_cell_cached_is_kept_for_reconnects_until_cell_clear(session, recorder) -> None:
    a = session.notebook.cells[0].id
    session._on_kernel_event({"type": "cell_cached", "id": a, "saved_seconds": 1.25})
    assert {"type": "cell_cached", "id": a, "saved_seconds": 1.25} in recorder.messages
    state = {c["id"]: c for c in session.session_message()["cells"]}
    assert state[a]["cached_seconds"] == 1.25
    session._on_kernel_event({"type": "cell_clear", "id": a})
    state = {c["id"]: c for c in session.session_message()["cells"]}
    assert "cached_seconds" not in state[a]


async def test_cache_restore_and_clear_cache_through_the_kernel(tmp_path: Path, recorder_class) -> None:
    nb = tmp_path / "cached.py"
    nb.write_text(PERSISTENT)
    s = Session(nb, autosave_delay=None)
    rec = recorder_class()
    s.attach(rec)
    await asyncio.wait_for(s.start(), WAIT)
    try:
        await rec.wait_for(lambda m: m["type"] == "variables")
        b = s.notebook.cells[1].id
        mark = rec.mark()
        await handle(s, {"type": "run", "cells": [{"id": b}]})  # second run: restored
        got = await rec.wait_for(lambda m: m["type"] == "cell_cached" and m["id"] == b, mark)
        assert got["saved_seconds"] >= 0
        assert "cached_seconds" in {c["id"]: c for c in s.cell_states()}[b]

        mark = rec.mark()
        await handle(s, {"type": "clear_cache", "id": b})
        notice = await rec.wait_for(lambda m: m["type"] == "notice", mark)
        assert "1 saved result" in notice["text"]
        mark = rec.mark()
        await handle(s, {"type": "clear_cache"})
        notice = await rec.wait_for(lambda m: m["type"] == "notice", mark)
        assert "notebook" in notice["text"]
    finally:
        await s.close()


async def test_read_only_session_may_read_settings_but_not_change_the_notebook(nb_path: Path) -> None:
    s = Session(nb_path, read_only=True, autosave_delay=None)
    replies: list[dict] = []
    await s.handle({"type": "settings_get"}, replies.append)
    assert replies[-1]["type"] == "settings"
    await s.handle({"type": "set_notebook_config", "output": "above"}, replies.append)
    assert replies[-1]["type"] == "error"
    await s.handle({"type": "clear_cache"}, replies.append)
    assert replies[-1]["type"] == "error"


def test_font_size_setting_is_validated_and_lenient_on_load(config_dir: Path) -> None:
    from reflow_desktop.settings import load_settings

    assert Settings().updated(font_size=16).font_size == 16
    for bad in (17, True, "16"):
        with pytest.raises(ValueError, match="font_size"):
            Settings().updated(font_size=bad)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "settings.json").write_text(json.dumps({"font_size": 99, "keymap": "vim"}))
    loaded = load_settings()
    assert loaded.font_size == Settings().font_size and loaded.keymap == "vim"
