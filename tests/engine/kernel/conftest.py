"""A real reflow kernel process driven through jupyter_client and the ``reflow`` comm."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

ENGINE = Path(__file__).resolve().parents[3] / "engine"
WAIT = 60.0  # generous readiness wait; never a performance limit


class _Specs(KernelSpecManager):
    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "reflow.kernel", "-f", "{connection_file}"],
            display_name="Reflow",
            language="python",
        )


class KernelHarness:
    """Sends comm operations, waits for their ``done``, keeps every comm event."""

    def __init__(self, km: AsyncKernelManager, kc: Any) -> None:
        self.km, self.kc = km, kc
        self.comm_id = uuid.uuid4().hex
        self.events: list[dict] = []
        self.messages: list[dict] = []  # every comm message as sent (a batch stays one message)
        self._seq = itertools.count(1)
        self._done: dict[int, asyncio.Future] = {}
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            msg = await self.kc.get_iopub_msg()
            if msg["header"]["msg_type"] != "comm_msg":
                continue
            if msg["content"].get("comm_id") != self.comm_id:
                continue
            data = msg["content"]["data"]
            self.messages.append(data)
            # several events in one message (sink.py); an operation's "done" leaves with its last events
            for event in data.get("events") or [] if data.get("type") == "batch" else [data]:
                if event.get("type") == "done":
                    fut = self._done.pop(event.get("seq"), None)
                    if fut is not None and not fut.done():
                        fut.set_result(None)
                else:
                    self.events.append(event)
            self._changed.set()

    def _future(self) -> tuple[int, asyncio.Future]:
        seq = next(self._seq)
        fut = asyncio.get_running_loop().create_future()
        self._done[seq] = fut
        return seq, fut

    async def open(
        self,
        cells: list[tuple[str, str]] | list[dict],
        *,
        run: bool = True,
        mode: str = "auto",
        path: str | None = None,
        strict: bool = False,
        shared_privates: bool = False,
    ) -> None:
        seq, fut = self._future()
        cell_dicts = [c if isinstance(c, dict) else {"id": c[0], "kind": "code", "code": c[1]} for c in cells]
        data = {"type": "open", "seq": seq, "mode": mode, "run": run, "cells": cell_dicts, "strict": strict}
        if shared_privates:
            data["shared_privates"] = True
        if path is not None:
            data["path"] = path
        msg = self.kc.session.msg("comm_open", {"comm_id": self.comm_id, "target_name": "reflow", "data": data})
        self.kc.shell_channel.send(msg)
        await asyncio.wait_for(fut, WAIT)

    def send(self, data: dict) -> asyncio.Future:
        seq, fut = self._future()
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.comm_id, "data": {**data, "seq": seq}})
        self.kc.shell_channel.send(msg)
        return fut

    async def op(self, data: dict) -> None:
        await asyncio.wait_for(self.send(data), WAIT)

    def mark(self) -> int:
        return len(self.events)

    def since(self, mark: int, etype: str | None = None, cell: str | None = None) -> list[dict]:
        return [
            e
            for e in self.events[mark:]
            if (etype is None or e["type"] == etype) and (cell is None or e.get("id") == cell)
        ]

    def outputs(self, cell: str, mark: int = 0) -> list[dict]:
        return [e["output"] for e in self.since(mark, "cell_output", cell)]

    def last_status(self, cell: str) -> str | None:
        st = [e["status"] for e in self.events if e["type"] == "cell_status" and e["id"] == cell]
        return st[-1] if st else None

    async def wait_event(self, pred: Callable[[dict], bool], mark: int = 0) -> dict:
        async def scan() -> dict:
            i = mark
            while True:
                while i < len(self.events):
                    if pred(self.events[i]):
                        return self.events[i]
                    i += 1
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), WAIT)

    async def close(self) -> None:
        self._reader.cancel()
        self.kc.stop_channels()
        await self.km.shutdown_kernel(now=True)


async def start_kernel(cwd: Path, **extra_env: str) -> KernelHarness:
    """A reflow kernel in ``cwd`` with ``extra_env`` added to this process's environment."""
    env = {**os.environ, **extra_env}
    env["PYTHONPATH"] = os.pathsep.join([str(ENGINE), env.get("PYTHONPATH", "")])
    km = AsyncKernelManager(kernel_name="reflow", kernel_spec_manager=_Specs())
    await km.start_kernel(env=env, cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=WAIT)
    return KernelHarness(km, kc)


@pytest.fixture
async def kernel(tmp_path):
    harness = await start_kernel(tmp_path)
    yield harness
    await harness.close()


@pytest.fixture
async def prestarted_kernel(tmp_path):
    """Started as the app's kernel pool starts one: marked pre-started, its notebook not known yet."""
    harness = await start_kernel(tmp_path, REFLOW_KERNEL_PRESTARTED="1")
    yield harness
    await harness.close()


@pytest.fixture
async def one_window_kernel(tmp_path):
    """The sink's batch window made longer than any machine load: only a flush ends a batch."""
    harness = await start_kernel(tmp_path, REFLOW_BATCH_S="3600")
    yield harness
    await harness.close()


def batch_events(message: dict) -> list[dict]:
    """The events one comm message carries: a batch's, or the message itself."""
    return message.get("events") or [] if message.get("type") == "batch" else [message]
