"""A notebook whose place is a Jupyter gateway (``Session(place=Gateway(url))``), against a real
Kernel Gateway on 127.0.0.1: cells run in the gateway's kernel, reactive re-runs travel as comm
messages, interrupt/restart/shutdown work, and a gateway that goes away is a clear error with
nothing lost. The token comes from the user's stored gateway tokens, never the notebook folder."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import WAIT, Recorder, code_ids, is_output

from reflow_desktop.remote.gateway_tokens import save_token, tokens_path
from reflow_desktop.remote.place import Gateway
from reflow_desktop.session import Session

NOTEBOOK = """\
# %%
import os
n = 3
os.getpid()

# %%
n * 2
"""


@pytest.fixture
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFLOW_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture
def nb_path(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    p = folder / "nb.py"
    p.write_text(NOTEBOOK)
    return p


async def open_on(url: str, path: Path) -> tuple[Session, Recorder]:
    session = Session(path, autosave_delay=None, place=Gateway(url))
    recorder = Recorder()
    session.attach(recorder)
    await asyncio.wait_for(session.start(), WAIT)
    return session, recorder


def result(recorder: Recorder, cell: str, mark: int = 0) -> str:
    outs = [m for m in recorder.messages[mark:] if is_output(m, cell)]
    assert outs, f"no result from {cell}"
    return str(outs[-1]["output"]["data"]["text/plain"])


async def test_a_notebook_runs_on_the_gateway(gateway: Any, nb_path: Path, user_config: Path) -> None:
    save_token(gateway.url, gateway.token)
    assert oct(tokens_path().stat().st_mode & 0o777) == "0o600"
    session, rec = await open_on(gateway.url, nb_path)
    try:
        a, b = code_ids(session)
        await rec.wait_for(lambda m: is_output(m, b, "6"))  # auto mode ran the notebook there
        pid = int(result(rec, a))
        assert pid != os.getpid() and pid in gateway.kernel_pids()

        replies: list[dict[str, Any]] = []  # completion: a shell request answered through the bridge
        await session.handle(
            {"type": "complete", "request_id": "r1", "id": a, "code": "import o", "cursor": 8}, replies.append
        )
        assert replies and replies[-1]["type"] == "complete_reply" and "os" in replies[-1]["matches"]

        mark = rec.mark()  # reactive: a's new value re-runs b, all through the reflow comm
        await session.handle({"type": "run", "cells": [{"id": a, "code": "import os\nn = 5\nos.getpid()"}]}, rec)
        await rec.wait_for(lambda m: is_output(m, b, "10"), mark)

        mark = rec.mark()
        await session.handle(
            {"type": "run", "cells": [{"id": b, "code": "import time\nwhile True: time.sleep(0.01)"}]}, rec
        )
        await rec.wait_for(
            lambda m: m.get("type") == "cell_status" and m.get("id") == b and m["status"] == "running", mark
        )
        await session.interrupt()
        await rec.wait_for(
            lambda m: m.get("type") == "cell_status" and m.get("id") == b and m["status"] == "interrupted", mark
        )

        mark = rec.mark()
        await session.handle({"type": "restart"}, rec)
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
        await session.handle({"type": "run", "cells": [{"id": a}]}, rec)
        await rec.wait_for(lambda m: is_output(m, a), mark)
        fresh = int(result(rec, a, mark))
        assert fresh != pid and fresh in gateway.kernel_pids() and pid not in gateway.kernel_pids()
    finally:
        await session.close()
    assert gateway.api("/api/kernels")[1] == []  # closing the notebook shut the kernel down there
    assert not any(p.name.startswith("gateway") for p in nb_path.parent.rglob("*"))  # no token near the notebook
    assert gateway.token not in "".join(p.read_text(errors="replace") for p in nb_path.parent.rglob("*") if p.is_file())


async def test_a_wrong_token_is_a_clear_error(gateway: Any, nb_path: Path, user_config: Path) -> None:
    save_token(gateway.url, "not-the-token")
    session = Session(nb_path, autosave_delay=None, place=Gateway(gateway.url))
    rec = Recorder()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)  # a place that cannot be used: said, the notebook kept
        assert session.kernel.state == "dead"
        assert "refused access (HTTP 40" in (session.kernel_message or "")
        assert any(m.get("type") == "notice" and "refused access" in m.get("text", "") for m in rec.messages)
    finally:
        await session.close()
    assert nb_path.read_text() == NOTEBOOK


async def test_the_gateway_going_away_is_a_clear_error_and_nothing_is_lost(
    tmp_path: Path, new_gateway: Any, nb_path: Path, user_config: Path
) -> None:
    server = new_gateway(tmp_path / "gw")
    save_token(server.url, server.token)
    session, rec = await open_on(server.url, nb_path)
    try:
        _a, b = code_ids(session)
        await rec.wait_for(lambda m: is_output(m, b, "6"))
        mark = rec.mark()
        server.stop()  # the gateway and its kernels are gone
        dead = await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "dead", mark)
        assert f"connection to the kernel on {server.url} was lost" in dead["message"]
        assert session.cache.get(b).outputs  # what was computed is still shown
        await session.handle({"type": "edit", "id": b, "code": "n * 3"}, rec)  # editing goes on
        session.save()
        assert "n * 3" in nb_path.read_text()
        mark = rec.mark()
        with pytest.raises(RuntimeError, match="Cannot reach the gateway"):  # no gateway to restart on: said, not hung
            await session.handle({"type": "restart"}, rec)
        dead = await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "dead", mark)
        assert "Cannot reach the gateway" in dead["message"]
    finally:
        await session.close()


async def test_run_on_a_gateway_with_its_token_from_the_page(
    gateway: Any, nb_path: Path, user_config: Path, tmp_path: Path
) -> None:
    """ "Run on..." with a gateway URL and token: the token goes to the user's config dir, the kernel there."""
    session = Session(nb_path, autosave_delay=None)
    rec = Recorder()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    try:
        a, _ = code_ids(session)
        mark = rec.mark()
        await session.handle({"type": "run_on", "place": f"gateway:{gateway.url}", "token": gateway.token}, rec)
        await rec.wait_for(lambda m: m.get("type") == "kernel" and m.get("state") == "idle", mark)
        assert gateway.token in tokens_path().read_text()
        await session.handle({"type": "run", "cells": [{"id": a}]}, rec)
        await rec.wait_for(lambda m: is_output(m, a), mark)
        assert int(result(rec, a, mark)) in gateway.kernel_pids()
        assert all(gateway.token not in str(m) for m in rec.messages)  # never sent back to a page
    finally:
        await session.close()
    assert gateway.token not in nb_path.read_text()
