"""Notebook open → environment ready → kernel ready, for a new notebook and a reopen.

Run: .venv/bin/python benchmarks/env_open.py [--runs N]

A new notebook with one small dependency (``six``) and a warm uv cache (one
untimed warm-up build fills a benchmark-private ``UV_CACHE_DIR``). "new" uses a
fresh Reflow cache root per run, so it includes Python discovery, venv
creation, ipykernel and the notebook's packages; "reopen" opens the same
notebook again (the environment exists: no uv call). "kernel ready" adds
starting a plain ipykernel from the environment's python with jupyter_client
and waiting for its kernel_info reply (the first start in a new environment
also writes the .pyc files). Medians over the runs; targets from the design
brief and a peer's figures measured on the same kind of machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "engine"))
sys.path.insert(0, str(ROOT / "desktop"))

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402

from reflow_desktop.envs import ensure_environment  # noqa: E402

NOTEBOOK = '# /// script\n# requires-python = ">=3.11"\n# dependencies = ["six"]\n# ///\n# %%\nimport six\n'
TARGETS = {"new": 2.0, "reopen": 0.5}
PEER = {"new": 7.8, "reopen": 5.3}


class _OneSpec(KernelSpecManager):
    def __init__(self, spec: KernelSpec) -> None:
        super().__init__()
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002
        return self._spec


def kernel_ready(python: Path) -> None:
    """Start ipykernel from ``python``, wait for kernel_info, shut it down (shutdown untimed by caller)."""
    spec = KernelSpec(argv=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                      display_name="bench", language="python")
    km = KernelManager(kernel_name="bench", kernel_spec_manager=_OneSpec(spec))
    if os.name == "posix":   # as the session does: Unix sockets, no TCP
        km.transport = "ipc"
        km.ip = str(Path(tempfile.gettempdir()) / f"reflow-bench-{os.getpid()}-{time.monotonic_ns()}")
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
    finally:
        kc.stop_channels()
        kernel_ready.last = km  # type: ignore[attr-defined]


def stop_last_kernel() -> None:
    km = getattr(kernel_ready, "last", None)
    if km is not None:
        km.shutdown_kernel(now=True)
        kernel_ready.last = None  # type: ignore[attr-defined]


def one_run(work: Path, i: int) -> dict[str, float]:
    nb = work / f"run{i}" / "nb.py"
    nb.parent.mkdir(parents=True)
    nb.write_text(NOTEBOOK, encoding="utf-8")
    cache_root = work / f"cache{i}"
    out: dict[str, float] = {}
    for phase in ("new", "reopen"):
        t0 = time.perf_counter()
        env = ensure_environment(nb, cache_root=cache_root)
        t1 = time.perf_counter()
        kernel_ready(env.python)
        t2 = time.perf_counter()
        stop_last_kernel()
        assert env.created == (phase == "new"), (phase, env)
        out[f"{phase} env"] = t1 - t0
        out[f"{phase} kernel"] = t2 - t0
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reflow-env-bench-") as tmp:
        work = Path(tmp)
        os.environ["UV_CACHE_DIR"] = str(work / "uv-cache")
        ensure_environment(_warm_notebook(work), cache_root=work / "warm-cache")   # fill the uv cache
        runs = [one_run(work, i) for i in range(args.runs)]
    print(f"env_open: {args.runs} runs, warm uv cache, Python {sys.version.split()[0]}, {sys.platform}\n")
    print(f"{'measure':34} {'median':>8} {'min':>8} {'max':>8} {'target':>8} {'peer':>8}")
    rows = [("new: open -> env ready", "new env", None), ("new: open -> kernel ready", "new kernel", "new"),
            ("reopen: open -> env ready", "reopen env", None),
            ("reopen: open -> kernel ready", "reopen kernel", "reopen")]
    for label, name, target in rows:
        values = [r[name] for r in runs]
        tgt = f"< {TARGETS[target]:.1f} s" if target else ""
        peer = f"{PEER[target]:.1f} s" if target else ""
        print(f"{label:34} {statistics.median(values):7.3f}s {min(values):7.3f}s {max(values):7.3f}s "
              f"{tgt:>8} {peer:>8}")
    return 0


def _warm_notebook(work: Path) -> Path:
    nb = work / "warm" / "nb.py"
    nb.parent.mkdir(parents=True)
    nb.write_text(NOTEBOOK, encoding="utf-8")
    return nb


if __name__ == "__main__":
    sys.exit(main())
