"""Drop a data file into a real session with a real kernel: the loader cell is inserted after the
focused cell, runs and shows a paged table; when the file changes on disk the loader and its
dependents run again with the new data. Hostile drops change nothing.

The notebook lists pandas already (the test environment has it), so no uv runs here; the package
step with a real uv environment is in test_drop_packages.py.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from helpers import WAIT, Recorder, text_of

from reflow.notebook import read_notebook
from reflow_desktop.dropdata.insert import drop_files
from reflow_desktop.session import Session

NOTEBOOK = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas>=2"]
# ///

# %%
x = 1

# %%
print("total", int(sales["amount"].sum()))
"""
UI_MIME = "application/vnd.reflow.ui+json"


def table_of(outputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The paged table a data frame output shows (its first page and row count), if any."""
    for o in outputs:
        payload = o.get("data", {}).get(UI_MIME) if o.get("kind") == "data" else None
        if isinstance(payload, dict) and payload.get("kind") == "table":
            return payload
    return None


async def started(path: Path) -> tuple[Session, Recorder]:
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle")
    return session, rec


async def test_drop_inserts_runs_shows_table_and_reruns_on_change(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    data = tmp_path / "data"
    data.mkdir()
    csv = data / "Sales 2024.csv"
    csv.write_text("region,amount\nnorth,10\nsouth,20\n")
    session, rec = await started(nb)
    try:
        first, reader = (c.id for c in session.notebook.cells)
        mark = rec.mark()
        [dropped] = await drop_files(session, [str(csv)], after=first, library="pandas")
        assert dropped.cell_id is not None and dropped.loader is not None
        cid = dropped.cell_id
        assert [c.id for c in session.notebook.cells] == [first, cid, reader]  # after the focused cell
        cell = session.notebook.cells[1]
        assert cell.options == {"watch": True}
        assert 'sales_2024 = pd.read_csv(r"data/Sales 2024.csv")' in cell.source  # relative to the notebook
        # the pages heard of the new cell, then its table
        await rec.wait_for(lambda m: m["type"] == "transaction_applied", mark)
        out = await rec.wait_for(
            lambda m: m["type"] == "cell_output" and m["id"] == cid and table_of([m["output"]]), mark
        )
        table = table_of([out["output"]])
        assert table is not None
        props = table["props"]
        assert props["columns"] == ["region", "amount"] and props["total"] == 2
        assert props["rows"] == [["north", 10], ["south", 20]]
        # a dependent cell (edited to read the new name) follows the file
        mark = rec.mark()
        fut = await session.handle(
            {"type": "run", "cells": [{"id": reader, "code": 'print("total", int(sales_2024["amount"].sum()))'}]},
            rec,
        )
        assert fut is not None
        await asyncio.wait_for(fut, WAIT)
        assert "total 30" in text_of(session.cache.get(reader).outputs)

        mark = rec.mark()
        csv.write_text("region,amount\nnorth,10\nsouth,20\neast,30\nwest,40\n")  # changed on disk
        await rec.wait_for(lambda m: m["type"] == "notice" and "Sales 2024.csv changed on disk" in m["text"], mark)
        out = await rec.wait_for(
            lambda m: (
                m["type"] == "cell_output"
                and m["id"] == cid
                and (table_of([m["output"]]) or {}).get("props", {}).get("total") == 4
            ),
            mark,
        )
        await rec.wait_for(
            lambda m: m["type"] == "cell_output" and m["id"] == reader and "total 100" in text_of([m["output"]]), mark
        )
        # the file's cell keeps its marker option; the saved notebook is a plain pandas script
        session.save()
        saved = read_notebook(nb)
        assert saved.cells[1].options == {"watch": True} and "# %% watch=true" in nb.read_text()
    finally:
        await session.close()


async def test_hostile_drops_change_nothing(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "real.csv").write_text("a\n1\n")
    os.symlink(tmp_path / "real.csv", tmp_path / "link.csv")
    (tmp_path / "notes.txt").write_text("hi")
    session, rec = await started(nb)
    try:
        before = [(c.id, c.source) for c in session.notebook.cells]
        file_before = nb.read_bytes()
        mark = rec.mark()
        raws = [str(tmp_path / n) for n in ("folder.csv", "link.csv", "notes.txt")] + [str(tmp_path / "a\nb.csv")]
        results = await drop_files(session, raws, after=None, library="pandas")
        assert [r.cell_id for r in results] == [None, None, None, None]
        notices = [m["text"] for m in rec.messages[mark:] if m["type"] == "notice" and m["level"] == "error"]
        assert len(notices) == 4
        assert "folder" in notices[0] and "symbolic link" in notices[1] and "CSV" in notices[2]
        assert "control characters" in notices[3]
        assert [(c.id, c.source) for c in session.notebook.cells] == before
        assert not any(m["type"] == "transaction_applied" for m in rec.messages[mark:])
        assert nb.read_bytes() == file_before
    finally:
        await session.close()


async def test_several_files_at_once_each_get_a_cell_in_order(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    (tmp_path / "a.csv").write_text("v\n1\n2\n")
    (tmp_path / "b.jsonl").write_text('{"v": 3}\n{"v": 4}\n{"v": 5}\n')
    (tmp_path / "skip").mkdir()
    session, rec = await started(nb)
    try:
        first, reader = (c.id for c in session.notebook.cells)
        mark = rec.mark()
        paths = [str(tmp_path / "a.csv"), str(tmp_path / "skip"), str(tmp_path / "b.jsonl")]
        a, skipped, b = await drop_files(session, paths, after=first, library="pandas")
        assert skipped.cell_id is None and "is a folder" in skipped.message
        assert [c.id for c in session.notebook.cells] == [first, a.cell_id, b.cell_id, reader]  # in order, after first
        assert b.loader is not None and "import" not in b.loader.code  # the first loader imports pd already
        for cid, total in ((a.cell_id, 2), (b.cell_id, 3)):
            await rec.wait_for(
                lambda m, cid=cid, total=total: (
                    m["type"] == "cell_output"
                    and m["id"] == cid
                    and (table_of([m["output"]]) or {}).get("props", {}).get("total") == total
                ),
                mark,
            )
    finally:
        await session.close()


async def test_a_read_only_notebook_takes_no_drop(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text(NOTEBOOK)
    (tmp_path / "a.csv").write_text("v\n1\n")
    session = Session(nb, read_only=True, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        before = [(c.id, c.source) for c in session.notebook.cells]
        mark = rec.mark()
        [result] = await drop_files(session, [str(tmp_path / "a.csv")], after=None, library="pandas")
        assert result.cell_id is None and "read-only" in result.message
        assert [(c.id, c.source) for c in session.notebook.cells] == before
        assert [m["level"] for m in rec.messages[mark:] if m["type"] == "notice"] == ["error"]
        assert nb.read_text() == NOTEBOOK
    finally:
        await session.close()
