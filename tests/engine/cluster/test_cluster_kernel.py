"""reflow.cluster in a real Reflow kernel against a real LocalCluster: the futures a cell created
are cancelled on the scheduler when the cell re-runs, is deleted or is interrupted; the running
cell reports its task progress; displayed results are not kept in IPython's output history."""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path
from typing import Any

import msgspec
from helpers import until

from reflow_desktop.protocol.server import ServerMessage

# The tasks wait for a file the test writes: they run as long as the test needs, and end at once.
TASKS = """\
import os, time, reflow
client = reflow.cluster.connect({address!r})
def {name}(i, flag):
    while not os.path.exists(flag + str(i)) and not os.path.exists(flag + "all"):
        time.sleep(0.01)
    return i
"""


# Every future is also kept where no cell's defs reach (a module of its own): cancelling must be
# Reflow's doing, not Dask releasing futures whose last reference went with the cell's old names.
KEEP = (
    "import sys, types\n"
    "sys.modules.setdefault('kept', types.ModuleType('kept')).__dict__.setdefault('all', []).extend(futs)\n"
)


def cell(address: str, name: str, flag: Path, n: int, then: str = "") -> str:
    submit = f"futs = [client.submit({name}, i, {str(flag)!r}, pure=False) for i in range({n})]\n"
    return TASKS.format(address=address, name=name) + submit + KEEP + then


async def test_rerun_cancels_the_previous_runs_futures(kernel: Any, cluster: Any, tmp_path: Path) -> None:
    flag = tmp_path / "go-"
    code = cell(cluster.address, "slow_a", flag, 4)
    try:
        await kernel.open([("a", code), ("b", "len(futs)")])
        assert kernel.outputs("b")[-1]["data"]["text/plain"] == "4"
        await until(lambda: len(cluster.keys("slow_a")) == 4)
        first = cluster.keys("slow_a")

        await kernel.op({"type": "run", "cells": [{"id": "a", "code": code}]})
        await until(lambda: not first & cluster.keys("slow_a"))  # the old run's tasks: cancelled, forgotten
        await until(lambda: len(cluster.keys("slow_a")) == 4)  # the new run's are there
        mark = kernel.mark()
        states = "import sys, collections\ncollections.Counter(f.status for f in sys.modules['kept'].all)"
        await kernel.op({"type": "create_cell", "id": "s", "kind": "code", "code": states})
        await kernel.op({"type": "run", "cells": [{"id": "s", "code": states}]})
        assert kernel.outputs("s", mark)[-1]["data"]["text/plain"] == "Counter({'cancelled': 4, 'pending': 4})"

        await kernel.op({"type": "delete_cell", "id": "a"})  # deleting the cell cancels its futures too
        await until(lambda: not cluster.keys("slow_a"))
    finally:
        Path(str(flag) + "all").touch()


async def test_interrupt_cancels_the_cells_futures(kernel: Any, cluster: Any, tmp_path: Path) -> None:
    flag = tmp_path / "go-"
    code = cell(cluster.address, "slow_i", flag, 3, "client.gather(futs)\n")
    try:
        await kernel.open([("a", "x = 1")])
        mark = kernel.mark()
        done = kernel.send({"type": "run", "cells": [{"id": "a", "code": code}]})
        await kernel.wait_event(lambda e: e.get("type") == "cell_status" and e.get("status") == "running", mark)
        await until(lambda: len(cluster.keys("slow_i")) == 3)
        await kernel.km.interrupt_kernel()
        await asyncio.wait_for(done, 60)
        assert kernel.last_status("a") == "interrupted"
        await until(lambda: not cluster.keys("slow_i"))
    finally:
        Path(str(flag) + "all").touch()


async def test_the_running_cell_reports_its_task_progress(kernel: Any, cluster: Any, tmp_path: Path) -> None:
    flag = tmp_path / "go-"
    code = cell(cluster.address, "slow_p", flag, 3, "sum(client.gather(futs))\n")
    try:
        await kernel.open([("a", "x = 1")])
        mark = kernel.mark()

        def progress(done: int) -> Any:
            return lambda e: e.get("type") == "cell_progress" and e.get("id") == "a" and e.get("done") == done

        finished = kernel.send({"type": "run", "cells": [{"id": "a", "code": code}]})
        first = await kernel.wait_event(progress(0), mark)
        assert first["total"] == 3
        Path(str(flag) + "0").touch()
        one = await kernel.wait_event(progress(1), mark)
        assert one["total"] == 3
        Path(str(flag) + "1").touch()
        Path(str(flag) + "2").touch()
        await asyncio.wait_for(finished, 60)
        assert kernel.outputs("a")[-1]["data"]["text/plain"] == "3"
        events = kernel.since(mark, "cell_progress", "a")
        counts = [(e["done"], e["total"]) for e in events]
        assert counts == sorted(counts) and all(t == 3 for _, t in counts)  # only ever forward
        for event in events:  # the UI protocol's declaration (desktop/reflow_desktop/protocol/server.py)
            msgspec.json.decode(json.dumps(event).encode(), type=ServerMessage)
    finally:
        Path(str(flag) + "all").touch()


async def test_a_plain_distributed_client_is_tracked_too(kernel: Any, cluster: Any, tmp_path: Path) -> None:
    """No reflow.cluster at all: ``from dask.distributed import Client`` (the kernel's import hook)."""
    flag = tmp_path / "go-"
    code = cell(cluster.address, "slow_c", flag, 2).replace(
        f"import os, time, reflow\nclient = reflow.cluster.connect({cluster.address!r})",
        f"import os, time\nfrom dask.distributed import Client\nclient = Client({cluster.address!r})",
    )
    assert "reflow" not in code
    try:
        await kernel.open([("a", code)])
        await until(lambda: len(cluster.keys("slow_c")) == 2)
        first = cluster.keys("slow_c")
        await kernel.op({"type": "run", "cells": [{"id": "a", "code": code}]})
        await until(lambda: not first & cluster.keys("slow_c"))
    finally:
        Path(str(flag) + "all").touch()


async def test_connect_again_reuses_the_client(kernel: Any, cluster: Any) -> None:
    code = f"import reflow\nclient = reflow.cluster.connect({cluster.address!r})\nid(client)"
    await kernel.open([("a", code)])
    first = kernel.outputs("a")[-1]["data"]["text/plain"]
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": code}]})
    assert kernel.outputs("a", mark)[-1]["data"]["text/plain"] == first  # re-running connects no second time


async def test_displayed_results_are_not_kept_in_output_history(kernel: Any) -> None:
    big = "import weakref\nmade = []\nclass Big:\n    def __init__(self):\n        made.append(weakref.ref(self))\n"
    await kernel.open([("x", big), ("a", "Big()")])
    assert "Big at 0x" in kernel.outputs("a")[-1]["data"]["text/plain"]
    # the console's path (execute_request: IPython's displayhook, where Out/_ would keep it)
    reply = await kernel.kc.execute("Big()", reply=True, timeout=60)
    assert reply["content"]["status"] == "ok"
    probe = (
        "import gc, json, IPython\ngc.collect()\n"
        "ns = IPython.get_ipython().user_ns\n"
        "json.dumps([len(ns['Out']), ns['_'] == '', [r() is None for r in made]])"
    )
    mark = kernel.mark()
    await kernel.op({"type": "create_cell", "id": "p", "index": 2, "kind": "code", "code": probe})
    await kernel.op({"type": "run", "cells": [{"id": "p", "code": probe}]})
    out = json.loads(ast.literal_eval(kernel.outputs("p", mark)[-1]["data"]["text/plain"]))
    assert out == [0, True, [True, True]]  # nothing holds either displayed Big
