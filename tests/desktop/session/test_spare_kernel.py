"""Spare kernels: `reflow edit` leaves a started kernel that outlives it, and the next launch takes it.

Real kernels (the app's own Python, no uv environment). The spare is made by another process that
then exits, as a `reflow edit` that ended; the kernel hook is installed for each test only.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from helpers import WAIT, notebook_beside_a_module, open_and_read_second_cell

from reflow_desktop.session import spare_kernel

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = """\
# %%
import os, sys, helper_beside

# %%
(os.getcwd(), __file__, helper_beside.WHERE, [k for k in os.environ if k.startswith(("REFLOW_SPA", "REFLOW_KERNEL_P"))])
"""
MAKE = """
import asyncio, json, sys
from reflow_desktop.session import spare_kernel
spare = asyncio.run(spare_kernel.make(sys.executable))
print(json.dumps(spare.__dict__ if spare else None))
"""


@pytest.fixture
def spares(monkeypatch: pytest.MonkeyPatch):
    # the launch that leaves the spare and this test's sessions: one environment, as two `reflow edit`s
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))
    monkeypatch.setenv("REFLOW_SPARE_LINGER_S", "60")
    spare_kernel.install()
    try:
        yield
    finally:
        spare_kernel.install(False)


def leave_spare(**env: str) -> dict[str, object]:
    """A process that launches a spare kernel, records it and exits (the earlier `reflow edit`)."""
    out = subprocess.run(
        [sys.executable, "-c", MAKE], env={**os.environ, **env}, stdout=subprocess.PIPE, text=True, check=True
    )
    made = json.loads(out.stdout.strip().splitlines()[-1])
    assert made is not None
    return made


def notebook(folder: Path) -> Path:
    return notebook_beside_a_module(folder, NOTEBOOK)


def gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


async def test_the_next_launch_takes_the_spare_its_maker_left(tmp_path: Path, spares: None) -> None:
    made = leave_spare()  # its maker has exited: the spare waits for the next launch
    pid = made["pid"]
    assert type(pid) is int and psutil.pid_exists(pid)
    nb = notebook(tmp_path / "nb")
    session, shown = await open_and_read_second_cell(nb)
    try:
        assert session.kernel.pid == pid  # the spare, not a process launched now
        assert not spare_kernel.record_path(sys.executable).exists()  # taken: no one else gets it
        folder = str(nb.parent.resolve())
        assert ast.literal_eval(shown) == (folder, str(nb.resolve()), str(nb.parent), [])
    finally:
        await session.close()
    await asyncio.wait_for(_until(lambda: gone(pid)), WAIT)  # it ended with the session that took it


async def test_a_spare_of_another_environment_is_not_taken_and_is_replaced(
    tmp_path: Path, spares: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = leave_spare(REFLOW_TEST_SPARE_VARIABLE="1")  # launched with a variable this launch does not have
    pid = made["pid"]
    session, _ = await open_and_read_second_cell(notebook(tmp_path / "nb"))
    try:
        assert session.kernel.pid != pid
        assert spare_kernel.record_path(sys.executable).exists()  # left alone by the start
        ours = await spare_kernel.make(sys.executable)  # this launch's spare replaces it
        assert ours is not None and ours.pid != pid
        assert spare_kernel.Spare.read(spare_kernel.record_path(sys.executable)) == ours
        await asyncio.wait_for(_until(lambda: gone(pid)), WAIT)
        assert await spare_kernel.make(sys.executable) == ours  # a usable one is kept, not doubled
    finally:
        await session.close()
        monkeypatch.setenv("REFLOW_SPARE_LINGER_S", "0")
        left = spare_kernel.Spare.read(spare_kernel.record_path(sys.executable))
        if left is not None:
            await spare_kernel._stop(left)
            spare_kernel.record_path(sys.executable).unlink(missing_ok=True)


def test_two_launches_at_once_take_one_spare_once(spares: None) -> None:
    made = leave_spare()
    try:
        takers = [spare_kernel._claim(sys.executable) for _ in range(2)]
        assert takers == [(made["connection_file"], made["pid"]), None]
    finally:
        asyncio.run(spare_kernel._stop(spare_kernel.Spare(**made)))  # type: ignore[arg-type]


def test_a_hostile_record_is_not_a_spare(tmp_path: Path) -> None:
    record = tmp_path / "reflow-spare-x.json"
    for text in ("[]", "{", json.dumps({"python": "p", "pid": "1", "connection_file": "c", "fingerprint": "f"})):
        record.write_text(text)
        assert spare_kernel.Spare.read(record) is None
    elsewhere = {"python": "p", "pid": 1, "connection_file": "/etc/passwd", "fingerprint": "f"}
    record.write_text(json.dumps(elsewhere))
    assert spare_kernel.Spare.read(record) is None  # its connection file must be beside the record


async def _until(condition, step: float = 0.05) -> None:
    while not condition():
        await asyncio.sleep(step)
