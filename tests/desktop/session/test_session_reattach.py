"""Runs that outlive the window (issue 18 item 1), with real kernels and real processes.

A cell prints numbered lines until a stop file appears. The window closes with "keep running"
(``Session.close(keep_running=True)``) or the app process is SIGKILLed; the kernel keeps printing
into its journal; opening the notebook again reattaches to the same kernel and shows every line,
none missing and none twice, including those printed while no window was open.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import WAIT, Recorder, code_ids, handle, text_of, until
from tornado.websocket import websocket_connect

from reflow_desktop.pids import pid_alive
from reflow_desktop.session import Session
from reflow_desktop.session.reattach import (
    KernelRecord,
    clean_stale,
    read_record,
    record_path,
    records_dir,
    runtime_dir,
    write_record,
)

LOOP = """\
# %%
import os, time
i = 0
while not os.path.exists({stop!r}):
    print(f"step {{i}}", flush=True)
    i += 1
    time.sleep(0.02)
print("stopped")
"""


@pytest.fixture(autouse=True)
def _private_runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernel records and connection files of these tests stay in the test's own runtime dir."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))


def loop_notebook(tmp_path: Path) -> tuple[Path, Path]:
    stop = tmp_path / "stop"
    nb = tmp_path / "long.py"
    nb.write_text(LOOP.format(stop=str(stop)))
    return nb, stop


def steps(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^step (\d+)$", text, re.M)]


def assert_every_step(text: str) -> None:
    """Every line from step 0 to the last, in order, once: nothing lost, nothing doubled."""
    found = steps(text)
    assert found, text[:200]
    bad = next((i for i, n in enumerate(found) if n != i), None)
    assert bad is None, f"a gap or a repeat at step {bad}: {found[max(0, (bad or 0) - 3) : (bad or 0) + 4]}"


def journal_text(nb: Path) -> str:
    folder = nb.parent / "__reflow__" / "journal"
    return "".join(p.read_text(errors="replace") for p in folder.glob("*.jsonl")) if folder.is_dir() else ""


def journal_step(nb: Path) -> int:
    found = re.findall(r"step (\d+)", journal_text(nb))
    return max(map(int, found)) if found else -1


async def test_window_closed_keep_running_then_reopen_reattaches(tmp_path: Path) -> None:
    nb, stop = loop_notebook(tmp_path)
    first = Session(nb, autosave_delay=None)
    await asyncio.wait_for(first.start(), WAIT)
    rec = Recorder()
    first.attach(rec)
    cid = code_ids(first)[0]  # auto mode: opening the notebook runs the loop
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in str(m.get("output")))
    assert first.background.cells_running
    pid = first.kernel.pid
    assert pid is not None
    seen = max(steps(text_of(first.outputs_of(cid))))
    await first.close(keep_running=True)

    assert pid_alive(pid), "the kernel stopped with its window"
    record = read_record(nb)
    assert record is not None and record.kept and record.pid == pid
    assert oct(record_path(nb).stat().st_mode & 0o777) == "0o600"
    assert oct(records_dir().stat().st_mode & 0o777) == "0o700"
    await until(lambda: journal_step(nb) > seen + 20)  # printed while no window was open

    second = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(second.start(), WAIT)
        assert second.background.reattached
        assert second.kernel.pid == pid  # the same kernel, not a new one
        cid2 = code_ids(second)[0]
        assert cid2 == cid  # the kernel's cell ids
        shown = steps(text_of(second.outputs_of(cid2)))
        assert shown and shown[-1] > seen + 20
        rec2 = Recorder()
        second.attach(rec2)
        assert any("Reattached" in str(m.get("text")) for m in rec2.messages if m.get("type") == "notice")
        assert second.status_of(cid2) == "running"
        stop.write_text("")
        await rec2.wait_for(lambda m: m.get("type") == "cell_status" and m.get("status") == "idle")
        text = text_of(second.outputs_of(cid2))
        assert text.endswith("stopped\n")
        assert_every_step(text)
        # the reattached kernel is a normal one: edits and runs work
        await handle(second, {"type": "edit", "id": cid2, "code": "z = 41 + 1\nz"})
        await handle(second, {"type": "run", "cells": [{"id": cid2}]})
        assert text_of(second.outputs_of(cid2)) == "42"
    finally:
        await second.close()
    await until(lambda: not pid_alive(pid))  # closed without "keep running": the kernel is shut down
    assert read_record(nb) is None
    assert journal_text(nb) == ""  # outputs are in the sidecar; the journal went with the kernel


async def test_hostile_lines_in_the_journal_are_skipped_and_said_nothing_lost(tmp_path: Path) -> None:
    nb, stop = loop_notebook(tmp_path)
    first = Session(nb, autosave_delay=None)
    await asyncio.wait_for(first.start(), WAIT)
    rec = Recorder()
    first.attach(rec)
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in str(m.get("output")))
    pid = first.kernel.pid
    await first.close(keep_running=True)
    journal = next((nb.parent / "__reflow__" / "journal").glob("*.jsonl"))
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND)  # whole lines, as the kernel's own appends
    os.write(fd, b'{"seq": "x", "msg": 1}\n')
    os.write(fd, b"[" * 50_000 + b"\n")
    os.close(fd)
    second = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(second.start(), WAIT)
        assert second.background.reattached and second.kernel.pid == pid
        rec2 = Recorder()
        second.attach(rec2)
        warned = [m["text"] for m in rec2.messages if m.get("type") == "notice"]
        assert any("2 unreadable record(s), skipped" in t for t in warned), warned
        stop.write_text("")
        cid = code_ids(second)[0]
        await rec2.wait_for(lambda m: m.get("type") == "cell_status" and m.get("status") == "idle")
        assert_every_step(text_of(second.outputs_of(cid)))  # every record around the bad lines kept
    finally:
        await second.close()


async def test_an_offer_left_unanswered_keeps_the_kernel_findable(tmp_path: Path) -> None:
    """The app that ran the kernel is gone without a word (no detach): the next open offers it."""
    nb, stop = loop_notebook(tmp_path)
    first = Session(nb, autosave_delay=None)
    await asyncio.wait_for(first.start(), WAIT)
    rec = Recorder()
    first.attach(rec)
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in str(m.get("output")))
    pid = first.kernel.pid
    await first.kernel.release()  # as if this app had died: channels gone, nothing said to the kernel
    first.closed = True
    first.ownership.release()
    record = read_record(nb)
    assert record is not None and not record.kept
    second = Session(nb, autosave_delay=None)
    await asyncio.wait_for(second.start(), WAIT)
    rec2 = Recorder()
    second.attach(rec2)
    assert any(m.get("type") == "background_kernel" and m.get("pid") == pid for m in rec2.messages)
    assert not second.background.reattached and second.kernel.pid is None
    await second.close()  # never answered
    assert pid_alive(pid) and read_record(nb) is not None
    third = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(third.start(), WAIT)
        rec3 = Recorder()
        third.attach(rec3)
        await handle(third, {"type": "reattach_kernel"})
        assert third.background.reattached and third.kernel.pid == pid
        assert any(m.get("type") == "background_kernel" and m.get("pid") is None for m in rec3.messages)
        stop.write_text("")
        cid = code_ids(third)[0]
        await rec3.wait_for(lambda m: m.get("type") == "cell_status" and m.get("status") == "idle")
        assert_every_step(text_of(third.outputs_of(cid)))
    finally:
        await third.close()
    await until(lambda: not pid_alive(pid))


async def test_a_kept_kernel_that_ended_meanwhile_still_shows_its_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLOW_KERNEL_LINGER_S", "0")  # no wait for a reattach once its run is over
    stop = tmp_path / "stop"
    nb = tmp_path / "lazy.py"
    lazy = '# /// script\n# [tool.reflow]\n# runtime = "lazy"\n# ///\n\n'
    nb.write_text(lazy + LOOP.format(stop=str(stop)))
    first = Session(nb, autosave_delay=None)
    await asyncio.wait_for(first.start(), WAIT)
    rec = Recorder()
    first.attach(rec)
    cid = code_ids(first)[0]
    await first.handle({"type": "run", "cells": [{"id": cid}]}, rec)
    await rec.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in str(m.get("output")))
    pid = first.kernel.pid
    assert pid is not None
    await first.close(keep_running=True)
    record = read_record(nb)
    assert record is not None and record.journal is not None
    stop.write_text("")  # the run ends without a window: the kernel journals it, then ends
    await until(lambda: not pid_alive(pid))
    second = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(second.start(), WAIT)
        assert not second.background.reattached and second.kernel.pid != pid
        cid2 = code_ids(second)[0]
        text = text_of(second.outputs_of(cid2))
        assert text.endswith("stopped\n")  # printed after the window closed
        assert_every_step(text)
        assert not Path(record.journal).exists()  # taken in, then removed
    finally:
        await second.close()


async def test_window_closed_while_idle_shuts_the_kernel_down(tmp_path: Path) -> None:
    nb = tmp_path / "idle.py"
    nb.write_text("# %%\nx = 1\n")
    s = Session(nb, autosave_delay=None)
    await asyncio.wait_for(s.start(), WAIT)
    pid = s.kernel.pid
    assert pid is not None and read_record(nb) is not None
    await s.close()
    await until(lambda: not pid_alive(pid))
    assert read_record(nb) is None


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def stale_record(nb: Path) -> tuple[KernelRecord, Path]:
    """A record left by a kernel that is gone: its pid dead, its connection file and sockets still there."""
    cf = runtime_dir() / "reflow-kernel-stale.json"
    sock = runtime_dir() / "reflow-stale-1"
    cf.write_text(json.dumps({"transport": "ipc", "ip": str(runtime_dir() / "reflow-stale")}))
    sock.write_text("")
    record = KernelRecord(str(nb.resolve()), str(cf), dead_pid(), None, dead_pid(), kept=True)
    write_record(record)
    return record, sock


async def test_stale_record_is_cleaned_and_a_fresh_kernel_starts(tmp_path: Path) -> None:
    nb = tmp_path / "stale.py"
    nb.write_text("# %%\nx = 1\nx\n")
    record, sock = stale_record(nb)
    fresh = Session(nb, autosave_delay=None)
    try:
        await asyncio.wait_for(fresh.start(), WAIT)
        assert not fresh.background.reattached
        assert fresh.kernel.pid not in (None, record.pid)
        assert not Path(record.connection_file).exists() and not sock.exists()
        now = read_record(nb)
        assert now is not None and now.pid == fresh.kernel.pid  # the new kernel's record replaced it
    finally:
        await fresh.close()


def test_clean_stale_removes_dead_and_unreadable_records_only(tmp_path: Path) -> None:
    dead, _ = stale_record(tmp_path / "a.py")
    live = KernelRecord(str(tmp_path / "b.py"), str(runtime_dir() / "live.json"), os.getpid(), None, os.getpid())
    write_record(live)
    junk = records_dir() / ("0" * 32 + ".json")
    junk.write_text('{"pid": "not a pid"')
    assert clean_stale() == 2
    assert not record_path(Path(dead.notebook)).exists() and not junk.exists()
    assert read_record(tmp_path / "b.py") == live


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2]",
        '{"notebook": "x", "connection_file": "/etc/passwd", "pid": 5, "app_pid": 1, "journal": null}',
        '{"notebook": "x", "connection_file": "RT/c.json", "pid": -1, "app_pid": 1, "journal": null}',
        '{"notebook": "x", "connection_file": "RT/c.json", "pid": true, "app_pid": 1, "journal": null}',
        "x" * 100_000,
    ],
)
def test_hostile_records_are_refused_and_removed(tmp_path: Path, text: str) -> None:
    nb = tmp_path / "nb.py"
    path = record_path(nb)
    path.write_text(text.replace("RT", str(runtime_dir())).replace('"x"', json.dumps(str(nb))))
    assert read_record(nb) is None
    assert not path.exists()


# --- the app process killed during a long run -----------------------------------------------------
class EditServer:
    """`reflow edit NB --no-open` in its own process; its printed address."""

    def __init__(self, nb: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reflow_desktop.cli", "edit", str(nb), "--no-open"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            cwd=str(nb.parent),
        )
        self.url = ""
        for line in self.proc.stdout:  # type: ignore[union-attr]
            m = re.search(r"http://127\.0\.0\.1:(\d+)/s/([^?\s]+)\?token=(\S+)", line)
            if m:
                port, sid, token = m.groups()
                self.ws = f"ws://127.0.0.1:{port}/ws/{sid}?token={token}"
                return
        raise RuntimeError("reflow edit printed no address")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        if self.proc.stdout:
            self.proc.stdout.close()


class Page:
    """A WebSocket client of the server: every message, batches unfolded."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.messages: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, url: str) -> Page:
        return cls(await websocket_connect(url))

    async def wait_for(self, pred: Any) -> dict[str, Any]:
        async def scan() -> dict[str, Any]:
            i = 0
            while True:
                while i < len(self.messages):
                    if pred(self.messages[i]):
                        return self.messages[i]
                    i += 1
                raw = await self.conn.read_message()
                if raw is None:
                    raise ConnectionError("the server closed the connection")
                msg = json.loads(raw)
                self.messages.extend(msg["events"] if msg.get("type") == "batch" else [msg])

        return await asyncio.wait_for(scan(), WAIT)

    def send(self, msg: dict[str, Any]) -> None:
        self.conn.write_message(json.dumps(msg))


def cell_text(cell: dict[str, Any]) -> str:
    return text_of(cell.get("outputs") or [])


async def test_app_killed_during_a_run_reopen_reattaches(tmp_path: Path) -> None:
    nb, stop = loop_notebook(tmp_path)
    app = EditServer(nb)
    kernel_pid = None
    try:
        page = await Page.connect(app.ws)
        first = await page.wait_for(lambda m: m.get("type") == "session")
        cid = first["cells"][0]["id"]
        # auto mode: opening the notebook runs the loop
        await page.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in json.dumps(m))
        record = read_record(nb)
        assert record is not None
        kernel_pid = record.pid
        app.proc.send_signal(signal.SIGKILL)  # the app dies mid-run
        app.kill()
        assert pid_alive(kernel_pid), "the kernel died with the app while its cell ran"
        seen = max(steps("".join(json.dumps(m) for m in page.messages).replace("\\n", "\n")) or [0])
        await until(lambda: journal_step(nb) > seen + 20)

        again = EditServer(nb)  # the next start finds the running kernel and reattaches
        try:
            page2 = await Page.connect(again.ws)
            offer = await page2.wait_for(lambda m: m.get("type") == "background_kernel")  # Reattach / Stop kernel
            assert offer["pid"] == kernel_pid
            page2.send({"type": "reattach_kernel"})
            await page2.wait_for(lambda m: m.get("type") == "notice" and "Reattached" in m.get("text", ""))
            session = [m for m in page2.messages if m.get("type") == "session"][-1]  # the one after reattaching
            cell = session["cells"][0]
            assert cell["id"] == cid  # the kernel's cell ids
            assert steps(cell_text(cell))[-1] > seen + 20  # produced while no app was running
            stop.write_text("")
            await page2.wait_for(lambda m: m.get("type") == "cell_status" and m.get("status") == "idle")
            page2.send({"type": "resync"})
            cells = await page2.wait_for(lambda m: m.get("type") == "cells")
            text = cell_text(cells["cells"][0])
            assert text.endswith("stopped\n")
            assert_every_step(text)
        finally:
            again.proc.send_signal(signal.SIGINT)  # a normal stop: the idle kernel is shut down with it
            again.proc.wait(30)
            if again.proc.stdout:
                again.proc.stdout.close()
        await until(lambda: not pid_alive(kernel_pid))
    finally:
        app.kill()
        if kernel_pid is not None and pid_alive(kernel_pid):
            os.killpg(os.getpgid(kernel_pid), signal.SIGKILL)


async def test_app_killed_during_a_run_stop_kernel_starts_a_fresh_one(tmp_path: Path) -> None:
    nb, stop = loop_notebook(tmp_path)
    app = EditServer(nb)
    kernel_pid = None
    try:
        page = await Page.connect(app.ws)
        await page.wait_for(lambda m: m.get("type") == "cell_output" and "step 3" in json.dumps(m))
        record = read_record(nb)
        assert record is not None
        kernel_pid = record.pid
        app.kill()
        assert pid_alive(kernel_pid)
        stop.write_text("")  # the fresh kernel's run of the loop ends at once

        again = EditServer(nb)
        try:
            page2 = await Page.connect(again.ws)
            await page2.wait_for(lambda m: m.get("type") == "background_kernel" and m.get("pid") == kernel_pid)
            page2.send({"type": "stop_background_kernel"})
            await page2.wait_for(lambda m: m.get("type") == "background_kernel" and m.get("pid") is None)
            await page2.wait_for(lambda m: m.get("type") == "cell_output" and "stopped" in json.dumps(m))
            assert not pid_alive(kernel_pid)  # stopped before the fresh kernel started
            now = read_record(nb)
            assert now is not None and now.pid != kernel_pid
            assert not Path(record.connection_file).exists()
        finally:
            again.proc.send_signal(signal.SIGINT)
            again.proc.wait(30)
            if again.proc.stdout:
                again.proc.stdout.close()
    finally:
        app.kill()
        if kernel_pid is not None and pid_alive(kernel_pid):
            os.killpg(os.getpgid(kernel_pid), signal.SIGKILL)


async def test_app_killed_while_idle_takes_the_kernel_with_it(tmp_path: Path) -> None:
    nb = tmp_path / "idle.py"
    nb.write_text("# %%\nx = 1\n")
    app = EditServer(nb)
    try:
        page = await Page.connect(app.ws)
        await page.wait_for(lambda m: m.get("type") == "cell_status" and m.get("status") == "idle")  # opened, ran
        await page.wait_for(lambda m: m.get("type") == "variables")  # the open's last batch: its work is over
        record = read_record(nb)
        assert record is not None
        app.kill()
        await until(lambda: not pid_alive(record.pid))  # nothing ran: it ended with the app, as before
    finally:
        app.kill()
        left = read_record(nb)
        if left is not None and pid_alive(left.pid):  # a failed run of this test leaves no kernel behind
            os.killpg(os.getpgid(left.pid), signal.SIGKILL)
