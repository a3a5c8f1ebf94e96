"""Notebook secrets in a real session: keychain (gnome-keyring's Secret Service) -> real kernel, masked everywhere."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import keyring
from helpers import WAIT, Recorder, handle, text_of, until

from reflow.secret_mask import MASK
from reflow_desktop.secrets import SERVICE
from reflow_desktop.session import Session


def secret_value(tag: str) -> str:
    """A value no output could hold by chance."""
    return f"rf-secret-{tag}-5b7c9e1d2a"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def notebook_with_secrets(folder: Path, names: list[str], code: str) -> Path:
    """A notebook declaring ``names`` in ``[tool.reflow] secrets``, one cell of ``code``."""
    path = folder / "nb.py"
    listed = ", ".join(f'"{n}"' for n in names)
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n#\n# [tool.reflow]\n# secrets = [{listed}]\n# ///\n\n# %%\n{code}'
    )
    return path


async def _started(session: Session, rec: Recorder) -> None:
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    await until(lambda: session.kernel_state == "idle")
    await handle(session, {"type": "run_stale"})  # a barrier: the open run has finished


def _files_holding(value: str, *roots: Path) -> list[Path]:
    needle = value.encode()
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = Path(dirpath) / name
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    continue
    return found


async def test_a_stored_secret_reaches_the_kernel_and_a_restart_reads_it_again(tmp_path: Path, keychain: Path) -> None:
    value = secret_value("stored")
    keyring.set_password(SERVICE, "RF_TOKEN", value)
    path = notebook_with_secrets(
        tmp_path, ["RF_TOKEN"], 'import hashlib, os\nhashlib.sha256(os.environ["RF_TOKEN"].encode()).hexdigest()\n'
    )
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    try:
        await _started(session, rec)
        cell = session.notebook.cells[0].id
        assert text_of(session.outputs_of(cell)) == repr(sha(value))
        assert not any(m["type"] == "secret_request" for m in rec.messages)  # the keychain had it: nothing asked

        changed = secret_value("changed")
        keyring.set_password(SERVICE, "RF_TOKEN", changed)
        await handle(session, {"type": "restart"})
        await until(lambda: session.kernel_state == "idle")
        await handle(session, {"type": "run", "cells": [{"id": cell, "code": session.notebook.cells[0].source}]})
        assert text_of(session.outputs_of(cell)) == repr(sha(changed))  # read again at the restart
    finally:
        await session.close()


async def test_a_missing_secret_is_asked_once_and_goes_to_the_keychain_only(tmp_path: Path, keychain: Path) -> None:
    value = secret_value("asked")
    path = notebook_with_secrets(
        tmp_path, ["RF_ASKED", "RF_SKIPPED"], 'import os\nlen(os.environ["RF_ASKED"]), "RF_SKIPPED" in os.environ\n'
    )
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    start = asyncio.ensure_future(session.start())
    try:
        asked = await rec.wait_for(lambda m: m["type"] == "secret_request" and m["names"])
        assert asked["names"] == ["RF_ASKED", "RF_SKIPPED"]
        assert "SecretService" in asked["keychain"]
        assert session.kernel.km is None  # the start waits for the answer
        late = Recorder()  # a page that connects now is asked too
        session.attach(late)
        assert any(m["type"] == "secret_request" and m["names"] == asked["names"] for m in late.messages)

        replies: list[dict[str, Any]] = []
        await session.handle({"type": "secret_answer", "values": {"RF_NOT_ASKED": "x"}}, replies.append)
        assert replies and replies[0]["type"] == "error" and "not asked for: RF_NOT_ASKED" in replies[0]["text"]
        await session.handle({"type": "secret_answer", "values": {"RF_ASKED": value}}, replies.append)
        await asyncio.wait_for(start, WAIT)
        await rec.wait_for(lambda m: m["type"] == "secret_request" and m["names"] == [])  # the dialogs close
        await until(lambda: session.kernel_state == "idle")
        await handle(session, {"type": "run_stale"})
        cell = session.notebook.cells[0].id
        assert text_of(session.outputs_of(cell)) == f"({len(value)}, False)"  # given; the skipped one not set
        assert keyring.get_password(SERVICE, "RF_ASKED") == value  # stored in the keychain
        assert keyring.get_password(SERVICE, "RF_SKIPPED") is None

        mark = rec.mark()
        await handle(session, {"type": "restart"})  # read from the keychain now; the skipped one not asked again
        await until(lambda: session.kernel_state == "idle")
        assert not any(m["type"] == "secret_request" for m in rec.messages[mark:])
    finally:
        if not start.done():
            start.cancel()
        await session.close()
    data_dir = Path(os.environ["REFLOW_DATA_DIR"])
    assert _files_holding(value, tmp_path, data_dir) == []  # not beside the notebook, not in the app's data
    assert (tmp_path / "__reflow__").is_dir()  # (the sidecar was written: there was something to scan)


async def test_closing_while_a_secret_is_asked_starts_no_kernel(tmp_path: Path, keychain: Path) -> None:
    path = notebook_with_secrets(tmp_path, ["RF_NEVER"], "1\n")
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    start = asyncio.ensure_future(session.start())
    await rec.wait_for(lambda m: m["type"] == "secret_request" and m["names"])
    await session.close()
    await asyncio.wait([start], timeout=WAIT)
    assert start.cancelled()
    assert session.kernel.km is None


async def test_printed_secrets_are_masked_in_messages_sidecar_journal_and_exports(
    tmp_path: Path, keychain: Path
) -> None:
    from reflow_desktop.exporting.live import export_session

    value = secret_value("printed")
    keyring.set_password(SERVICE, "RF_KEY", value)
    code = (
        "import os\nfrom IPython.display import HTML, JSON, display\nkey = os.environ['RF_KEY']\n"
        "print('key is', key)\ndisplay(HTML(f'<b>{key}</b>'))\ndisplay(JSON({'k': key, key: 1}))\n"
        "raise ValueError(key)\n"
    )
    path = notebook_with_secrets(tmp_path, ["RF_KEY"], code)
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    try:
        await _started(session, rec)
        cell = session.notebook.cells[0].id
        shown = [m for m in rec.messages if m["type"] == "cell_output" and m.get("id") == cell]
        kinds = {o["output"]["kind"] for o in shown}
        assert kinds == {"stream", "data", "error"}, shown
        assert value not in repr(rec.messages)  # the page never saw it: stream, HTML, JSON, the error, variables
        assert MASK in text_of(session.outputs_of(cell))
        html_out = [o for o in session.outputs_of(cell) if "text/html" in o.get("data", {})]
        assert html_out and f"<b>{MASK}</b>" in html_out[0]["data"]["text/html"]
        exports = {fmt: export_session(session, fmt).text for fmt in ("html", "ipynb")}
        journal = tmp_path / "__reflow__" / "journal"  # what lets a run outlive the window, written by the kernel
        masked = (MASK.encode(), json.dumps(MASK).strip('"').encode())  # as written, or JSON-escaped
        await until(lambda: any(m in p.read_bytes() for p in journal.glob("*.jsonl") for m in masked))
        assert _files_holding(value, journal) == []
    finally:
        await session.close()
    for fmt, text in exports.items():
        assert value not in text and MASK in text, fmt
    assert _files_holding(value, tmp_path) == []  # sidecar, journal, snapshots
    assert list((tmp_path / "__reflow__").rglob("*"))


async def test_an_untrusted_notebook_gets_no_secret_until_it_is_trusted(
    tmp_path: Path, keychain: Path, untrusted_user: Path
) -> None:
    value = secret_value("untrusted")
    keyring.set_password(SERVICE, "RF_HELD", value)
    code = 'import hashlib, os\nhashlib.sha256(os.environ.get("RF_HELD", "none").encode()).hexdigest()\n'
    path = notebook_with_secrets(tmp_path, ["RF_HELD", "RF_NOT_STORED"], code)
    session = Session(path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        assert session.kernel_state == "dead"  # safe preview
        assert await session.secrets.kernel_env() == {}  # nothing read, nothing asked for an untrusted notebook
        late = Recorder()
        session.attach(late)
        said = [m["text"] for m in late.messages if m["type"] == "notice"]
        assert any("RF_HELD, RF_NOT_STORED" in t and "Untrusted notebooks never get them" in t for t in said), said
        assert not any(m["type"] == "secret_request" for m in rec.messages + late.messages)

        trusting = asyncio.ensure_future(handle(session, {"type": "trust"}))  # "Trust and run": asked, then given
        asked = await rec.wait_for(lambda m: m["type"] == "secret_request" and m["names"])
        assert asked["names"] == ["RF_NOT_STORED"]
        await session.handle({"type": "secret_answer", "values": {}}, rec)  # skipped
        await asyncio.wait_for(trusting, WAIT)
        await until(lambda: session.kernel_state == "idle")
        await handle(session, {"type": "run_stale"})
        assert text_of(session.outputs_of(session.notebook.cells[0].id)) == repr(sha(value))
    finally:
        await session.close()


async def test_a_kernel_with_secrets_never_comes_from_the_pool(tmp_path: Path, keychain: Path) -> None:
    import sys

    from reflow_desktop.session import kernel_pool

    value = secret_value("pooled")
    keyring.set_password(SERVICE, "RF_POOLED", value)
    pool = kernel_pool.KernelPool(size=2, idle_s=0.0)
    kernel_pool.install(pool)
    try:
        plain = tmp_path / "plain"
        plain.mkdir()
        (plain / "nb.py").write_text("# %%\n1\n")
        first = Session(plain / "nb.py", autosave_delay=None)
        await _started(first, Recorder())
        await first.close()
        assert await asyncio.wait_for(pool.wait_filled(sys.executable), WAIT)
        warm_pid = pool._warm[sys.executable].pid

        code = 'import hashlib, os\nhashlib.sha256(os.environ["RF_POOLED"].encode()).hexdigest()\n'
        session = Session(notebook_with_secrets(tmp_path, ["RF_POOLED"], code), autosave_delay=None)
        try:
            await _started(session, Recorder())
            assert session.kernel.pid != warm_pid  # launched fresh, with the secret in its environment
            assert pool._warm[sys.executable].pid == warm_pid  # the spare, which never saw it, is still spare
            assert text_of(session.outputs_of(session.notebook.cells[0].id)) == repr(sha(value))
        finally:
            await session.close()
    finally:
        kernel_pool.install(None)
        await pool.close()


async def test_a_restart_while_a_secret_is_asked_is_refused_clearly(tmp_path: Path, keychain: Path) -> None:
    session = Session(notebook_with_secrets(tmp_path, ["RF_WAIT"], "1\n"), autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    start = asyncio.ensure_future(session.start())
    try:
        await rec.wait_for(lambda m: m["type"] == "secret_request" and m["names"])
        replies: list[dict[str, Any]] = []
        await handle(session, {"type": "restart"}, replies.append)
        assert [r["type"] for r in replies] == ["error"]
        assert "answer the dialog first" in replies[0]["text"]
        await session.handle({"type": "secret_answer", "values": {"RF_WAIT": "waited-value-1"}}, replies.append)
        await asyncio.wait_for(start, WAIT)
        await until(lambda: session.kernel_state == "idle")
    finally:
        await session.close()
