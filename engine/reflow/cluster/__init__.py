"""Fan out from a notebook with Dask: ``reflow.cluster.connect(...)`` gives a ``distributed.Client``.

``connect()`` starts a LocalCluster on this machine, ``connect("tcp://scheduler:8786")`` joins an
existing scheduler, ``connect(ssh=["head", "node1", "node2"])`` starts an SSHCluster whose workers
run this notebook's environment. The client is Reflow's, not a cell's: re-running the cell that
connects returns the same client (same target) instead of starting another cluster. Futures a cell
creates are cancelled when the cell runs again, is deleted or is interrupted, and the running cell
shows how many of its tasks are done. ``distributed`` is the notebook's own package: it is imported
only when ``connect`` is called (the engine itself needs nothing but the standard library).
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

from reflow.cluster import tracking
from reflow.cluster.progress import REPORTER

__all__ = ["close", "connect"]

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def _distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError as exc:
        raise ImportError(
            "reflow.cluster needs Dask's distributed package in this notebook's environment: add "
            '"distributed" to the notebook\'s dependencies'
        ) from exc


def connect(
    address: str | None = None,
    *,
    ssh: list[str] | None = None,
    remote_python: str | None = None,
    **options: Any,
) -> Any:
    """A ``distributed.Client`` for this notebook, made once per target and then reused.

    ``address`` None or ``"local"``: a ``LocalCluster`` (``options`` go to it: ``n_workers``,
    ``processes``, ``threads_per_worker``...). ``"tcp://host:port"`` (or any scheduler address):
    that scheduler. ``ssh=[scheduler_host, worker_host, ...]``: an ``SSHCluster`` whose workers run
    ``remote_python`` -- by default this kernel's own interpreter, so workers use the notebook's
    environment (the same path on every host: where Reflow built it, or run the kernel on that host).
    Futures created by a cell are cancelled when that cell re-runs, is deleted or is interrupted.
    """
    dist = _distributed()
    tracking.install(dist.Future)
    REPORTER.start()
    if ssh is not None:
        if not ssh:
            raise ValueError("ssh= needs at least one host (the scheduler's); more hosts run the workers")
        key = "ssh:" + ",".join(ssh)
    elif address in (None, "local"):
        key = "local"
    else:
        key = str(address)
    with _lock:
        client = _clients.get(key)
        if client is not None and getattr(client, "status", "") == "running":
            return client
        if ssh is not None:
            cluster = dist.SSHCluster(hosts=list(ssh), remote_python=remote_python or sys.executable, **options)
            client = dist.Client(cluster)
        elif key == "local":
            cluster = dist.LocalCluster(**{"host": "127.0.0.1", "dashboard_address": ":0", **options})
            client = dist.Client(cluster)
        else:
            client = dist.Client(address, **options)
        _clients[key] = client
        return client


def close() -> None:
    """Close every client ``connect`` made (and the clusters it started)."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        cluster = getattr(client, "cluster", None)
        try:
            client.close()
            if cluster is not None:
                cluster.close()
        except Exception:
            pass
