"""SidecarWriter: coalescing, flush, failure notices, and crash safety with a real SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from helpers import until

from reflow_desktop.session.saves import SaveManager
from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
from reflow_desktop.sidecar.store import SidecarStore
from reflow_desktop.sidecar.writer import SAVEABLE, SidecarWriter


def _data(n: int) -> SidecarData:
    return SidecarData(
        "nb.py", [CellRecord(code_hash("x = 1"), "idle", [{"kind": "data", "data": {"text/plain": str(n)}}])]
    )


class CountingStore(SidecarStore):
    """Counts real writes (tests count writes, they never time them)."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.saved: list[SidecarData] = []

    def save(self, data: SidecarData) -> None:
        super().save(data)
        self.saved.append(data)


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    p = tmp_path / "nb.py"
    p.write_text("# %%\nx = 1\n")
    return p


async def test_many_schedules_coalesce_into_one_write(nb: Path) -> None:
    store = CountingStore(nb)
    saves = SaveManager()
    writer = SidecarWriter(store, delay=0.05, saves=saves)
    for i in range(200):
        writer.schedule(_data(i))
    entry = saves.entry(SAVEABLE)
    await until(lambda: entry.saves > 0 and entry.task is None)  # the timed write is over
    # Nothing is left that could write again: no snapshot pending, no timer armed ...
    assert not writer.pending and not entry.dirty and entry.timer is None
    await writer.flush()  # ... and a flush (a write of whatever is pending) has nothing to write
    assert writer.writes == 1 and len(store.saved) == 1
    assert json.loads(store.path.read_text())["cells"][0]["outputs"][0]["data"]["text/plain"] == "199"


async def test_callable_snapshot_is_built_once_per_write(nb: Path) -> None:
    built = []

    def snap() -> SidecarData:
        built.append(1)
        return _data(len(built))

    writer = SidecarWriter(CountingStore(nb), delay=3600)
    for _ in range(50):
        writer.schedule(snap)
    assert built == []  # nothing built while only scheduling
    await writer.flush()
    assert built == [1] and writer.writes == 1
    await writer.flush()
    assert writer.writes == 1  # nothing pending, nothing written


class GatedStore(CountingStore):
    """A store whose writes wait for the test to open a gate (a write "in progress")."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.entered = threading.Event()
        self.gate = threading.Event()

    def save(self, data: SidecarData) -> None:
        self.entered.set()
        self.gate.wait()
        super().save(data)


async def test_schedule_during_a_write_gets_its_own_later_write(nb: Path) -> None:
    store = GatedStore(nb)
    writer = SidecarWriter(store, delay=0.01)
    writer.schedule(_data(1))
    await until(store.entered.is_set)
    writer.schedule(_data(2))
    writer.schedule(_data(3))
    store.gate.set()
    await until(lambda: writer.writes == 2)
    await writer.flush()
    assert [d.cells[0].outputs[0]["data"]["text/plain"] for d in store.saved] == ["1", "3"]


async def test_flush_writes_pending_now_and_close_stops(nb: Path) -> None:
    store = CountingStore(nb)
    writer = SidecarWriter(store, delay=3600)
    writer.schedule(_data(7))
    await writer.close()
    assert writer.writes == 1 and store.load().data is not None
    writer.schedule(_data(8))
    await writer.flush()
    assert writer.writes == 1


async def test_read_only_directory_gives_one_notice_and_never_raises(read_only_dir: Path) -> None:
    notices: list[tuple[str, str]] = []
    writer = SidecarWriter(
        SidecarStore(read_only_dir / "nb.py"), delay=0.01, on_notice=lambda level, text: notices.append((level, text))
    )
    for i in range(3):
        writer.schedule(_data(i))
        await writer.flush()
    assert writer.writes == 0 and writer.failed
    assert len(notices) == 1
    level, text = notices[0]
    assert level == "warning" and "__reflow__" in text and "Editing and running work as usual" in text


async def test_recovers_after_failure_and_notices_again_next_time(tmp_path: Path, nb: Path) -> None:
    notices: list[str] = []
    store = SidecarStore(nb)
    store.dir.parent.joinpath("__reflow__").write_text("a file in the way")
    writer = SidecarWriter(store, delay=0.01, on_notice=lambda _l, t: notices.append(t))
    writer.schedule(_data(1))
    await writer.flush()
    assert len(notices) == 1 and writer.failed
    store.dir.unlink()
    writer.schedule(_data(2))
    await writer.flush()
    assert writer.writes == 1 and not writer.failed


WRITER_LOOP = textwrap.dedent("""
    import sys
    from reflow_desktop.sidecar.format import CellRecord, SidecarData, code_hash
    from reflow_desktop.sidecar.store import SidecarStore
    store = SidecarStore(sys.argv[1])
    text = "y" * 20000
    i = 0
    while True:
        cells = [CellRecord(code_hash(f"c{k}"), "idle",
                            [{"kind": "stream", "name": "stdout", "text": f"{i}:{k}:" + text}])
                 for k in range(40)]
        store.save(SidecarData("nb.py", cells))
        i += 1
        print(i, flush=True)
""")


def test_sigkill_mid_write_leaves_valid_json(nb: Path) -> None:
    """A process writing ~800 kB sidecars in a loop is SIGKILLed; the file stays valid."""
    store = SidecarStore(nb)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER_LOOP, str(nb)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert proc.stdout is not None
        for _ in range(3 + round_):  # a few complete writes, then kill during the next
            assert proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        doc = json.loads(store.path.read_text())  # valid JSON, complete
        assert doc["version"] == 1 and len(doc["cells"]) == 40
        result = store.load()
        assert result.notice is None and result.data is not None
    leftovers = [p.name for p in store.dir.iterdir() if p.name != "nb.py.json"]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)


def test_schedule_outside_the_event_loop_stays_pending(nb: Path) -> None:
    writer = SidecarWriter(CountingStore(nb), delay=0.01)
    writer.schedule(_data(1))  # no running loop: no timer, no exception
    assert writer.pending
    asyncio.run(writer.flush())
    assert writer.writes == 1


async def test_flush_during_a_write_waits_and_writes_the_newest(nb: Path) -> None:
    store = GatedStore(nb)
    writer = SidecarWriter(store, delay=0.01)
    writer.schedule(_data(1))
    await until(store.entered.is_set)
    writer.schedule(_data(2))
    flushing = asyncio.ensure_future(writer.flush())
    for _ in range(20):  # let the flush run up to where it waits (loop turns, not time)
        await asyncio.sleep(0)
    assert not flushing.done()  # waits for the write in progress
    store.gate.set()
    await flushing
    assert [d.cells[0].outputs[0]["data"]["text/plain"] for d in store.saved] == ["1", "2"]
