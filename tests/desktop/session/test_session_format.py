"""`format_cells` in a real session: only the cells asked for change, notices say why not, format on save."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Recorder, handle

from reflow_desktop.settings import Settings, save_settings

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# [tool.ruff]
# line-length = 30
# ///

# %%
a  =  [1,2]

# %%
b = {'k':   a}

# %% [sql] name="q"
# SELECT   1

# %%
broken = (
"""


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text(NOTEBOOK)
    return p


def code_cells(session) -> list[str]:
    return [c.source for c in session.notebook.cells]


async def notice(recorder: Recorder, mark: int) -> dict:
    return await recorder.wait_for(lambda m: m.get("type") == "notice", mark)


async def test_formats_only_the_cell_asked_for(session, recorder, nb_path):
    target = session.notebook.cells[1].id
    mark = recorder.mark()
    await handle(session, {"type": "format_cells", "ids": [target]}, recorder)
    assert code_cells(session) == ["a  =  [1,2]", 'b = {"k": a}', "SELECT   1", "broken = ("]
    applied = await recorder.wait_for(lambda m: m.get("type") == "transaction_applied", mark)
    assert applied["changes"] == [{"op": "set_code", "id": target, "code": 'b = {"k": a}'}]
    assert (await notice(recorder, mark))["text"] == "Cell formatted."
    session.save()
    assert nb_path.read_text() == NOTEBOOK.replace("b = {'k':   a}", 'b = {"k": a}')  # the diff is the edit


async def test_formatting_the_notebook_skips_sql_and_a_syntax_error_with_a_reason(session, recorder):
    mark = recorder.mark()
    await handle(session, {"type": "format_cells"}, recorder)
    assert code_cells(session) == ["a = [1, 2]", 'b = {"k": a}', "SELECT   1", "broken = ("]
    told = await notice(recorder, mark)
    assert told["level"] == "warning"
    assert told["text"].startswith("Formatted 2 of 3 cells. Cell 4 not formatted: syntax error, left as it is")


async def test_an_unknown_cell_is_an_error_reply(session, recorder):
    mark = recorder.mark()
    await handle(session, {"type": "format_cells", "ids": ["nope"]}, recorder)
    assert "nope" in (await recorder.wait_for(lambda m: m.get("type") == "error", mark))["text"]


async def test_format_on_save(session, recorder, nb_path, tmp_path, monkeypatch):
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))
    save_settings(Settings(format_on_save="on"))
    await handle(session, {"type": "save"}, recorder)
    text = nb_path.read_text()
    assert "a = [1, 2]\n" in text and 'b = {"k": a}\n' in text and "# SELECT   1\n" in text and "broken = (\n" in text
