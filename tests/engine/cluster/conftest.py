"""A real ``distributed.LocalCluster`` on 127.0.0.1 (in this test process, so the scheduler's own
task table can be read) and a real Reflow kernel (tests/engine/kernel/conftest.py's fixture) that
connects to it with ``reflow.cluster.connect(address)``."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")


def _kernel_conftest() -> Any:
    path = Path(__file__).resolve().parents[1] / "kernel" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_reflow_kernel_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kernel = _kernel_conftest().kernel  # the real Reflow kernel fixture, reused, not copied


class Cluster:
    """The cluster, its address, and the scheduler's view of task keys."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.address: str = cluster.scheduler_address

    def keys(self, prefix: str) -> set[str]:
        """Keys starting with ``prefix`` the scheduler still holds (a cancelled, released key is forgotten)."""
        tasks = dict(self.cluster.scheduler.tasks)
        return {str(k) for k, ts in tasks.items() if str(k).startswith(prefix) and ts.state != "forgotten"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    local = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=16,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        yield Cluster(local)
    finally:
        local.close()
