"""The kernel pool: a warm kernel per recent interpreter, handed to the next session, in the notebook's place.

Real kernels (the app's own Python, no uv environment); the pool is installed for each test only.
"""

from __future__ import annotations

import ast
import asyncio
import sys
from pathlib import Path

import psutil
import pytest
from helpers import WAIT, handle, notebook_beside_a_module, open_and_read_second_cell, results_text

from reflow_desktop.session import Session, kernel_pool
from reflow_desktop.session.kernel import KernelProcess

NOTEBOOK = """\
# %%
import os, sys, helper_beside

# %%
(os.getcwd(), __file__, helper_beside.WHERE, "REFLOW_KERNEL_PRESTARTED" in os.environ)
"""


@pytest.fixture
async def pool():
    made = kernel_pool.KernelPool(size=2, idle_s=0.0)
    kernel_pool.install(made)
    try:
        yield made
    finally:
        kernel_pool.install(None)
        await made.close()


def notebook(folder: Path) -> Path:
    return notebook_beside_a_module(folder, NOTEBOOK)


async def test_a_taken_kernel_works_in_the_notebooks_folder(tmp_path: Path, pool: kernel_pool.KernelPool) -> None:
    first, _ = await open_and_read_second_cell(notebook(tmp_path / "one"))
    try:
        assert await asyncio.wait_for(pool.wait_filled(sys.executable), WAIT)  # filled after the start
        warm_pid = pool._warm[sys.executable].pid
        assert warm_pid is not None and warm_pid != first.kernel.pid
        second_nb = notebook(tmp_path / "two")
        second, shown = await open_and_read_second_cell(second_nb)
        try:
            assert second.kernel.pid == warm_pid  # the pooled process, not a new one
            folder = str(second_nb.parent.resolve())
            assert ast.literal_eval(shown) == (folder, str(second_nb.resolve()), str(tmp_path / "two"), False)
        finally:
            await second.close()
        assert not psutil.pid_exists(warm_pid) or psutil.Process(warm_pid).status() == psutil.STATUS_ZOMBIE
    finally:
        await first.close()


async def test_a_restarted_pooled_kernel_is_in_the_notebooks_folder_again(
    tmp_path: Path, pool: kernel_pool.KernelPool
) -> None:
    first, _ = await open_and_read_second_cell(notebook(tmp_path / "one"))
    await first.close()
    assert await asyncio.wait_for(pool.wait_filled(sys.executable), WAIT)
    path = notebook(tmp_path / "two")
    session, _ = await open_and_read_second_cell(path)
    try:
        await asyncio.wait_for(session.restart(), WAIT)
        cells = [c.id for c in session.notebook.cells]
        await handle(session, {"type": "run", "cells": [{"id": cells[0]}, {"id": cells[1]}]})
        shown = results_text(session.cache.get(cells[1]).outputs)
        assert ast.literal_eval(shown) == (
            str(path.parent.resolve()),
            str(path.resolve()),
            str(tmp_path / "two"),
            False,
        )
    finally:
        await session.close()


async def test_kernels_with_their_own_variables_are_never_served(pool: kernel_pool.KernelPool) -> None:
    own = KernelProcess(lambda e: None, lambda s, m: None, env={"MY_SETTING": "1"})
    assert not pool.serves(own)
    assert await pool.take(own) is None
    plain = KernelProcess(lambda e: None, lambda s, m: None)
    assert pool.serves(plain)


async def test_close_stops_the_warm_kernels(tmp_path: Path, pool: kernel_pool.KernelPool) -> None:
    first, _ = await open_and_read_second_cell(notebook(tmp_path / "one"))
    await first.close()
    assert await asyncio.wait_for(pool.wait_filled(sys.executable), WAIT)
    pid = pool._warm[sys.executable].pid
    assert pid is not None and psutil.pid_exists(pid)
    await pool.close()
    assert pool.warm_pythons() == []
    gone = not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert gone, f"pooled kernel {pid} still running"


def kernel_processes() -> set[int]:
    """PIDs of reflow kernels started by this test process."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "reflow.kernel" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                found.add(child.pid)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            pass
    return found


async def test_closing_while_a_spare_starts_leaves_no_kernel(tmp_path: Path, pool: kernel_pool.KernelPool) -> None:
    session = Session(notebook(tmp_path / "one"), autosave_delay=None)
    await asyncio.wait_for(session.start(), WAIT)
    try:
        await asyncio.sleep(0)  # the fill (idle_s=0) runs: a spare kernel is on its way
        assert pool._starting or pool.warm_pythons()
        await pool.close()
        assert kernel_processes() == {session.kernel.pid}
    finally:
        await session.close()
