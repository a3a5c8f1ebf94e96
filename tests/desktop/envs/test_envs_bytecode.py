"""Byte-compiled environments: the kernel's modules are cached at its first start even under
PYTHONDONTWRITEBYTECODE, a new environment borrows the bytecode of the same files from another, the
notebook's packages are compiled at idle priority, once (real uv, real PyPI)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from reflow_desktop.envs import bytecode, ensure_environment
from reflow_desktop.session.kernel import kernel_env

pytestmark = pytest.mark.uv
WAIT = 120.0  # a hang guard, never a performance limit


def pycs(folder: Path) -> set[str]:
    return {p.name.split(".")[0] for p in folder.glob("__pycache__/*.pyc")}


async def start_kernel_once(python: Path, cwd: Path) -> None:
    """Start a Reflow kernel from ``python``, wait until it answers, shut it down."""

    class Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[str(python), "-m", "reflow.kernel", "-f", "{connection_file}"],
                display_name="Reflow",
                language="python",
            )

    km = AsyncKernelManager(kernel_name="reflow", kernel_spec_manager=Specs())
    await km.start_kernel(env=kernel_env(), cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=WAIT)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


async def test_a_kernel_start_caches_its_modules_despite_the_flag(
    make_notebook, cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = ensure_environment(make_notebook(dependencies=[]), cache_root=cache_root)
    (site,) = bytecode.site_packages(env.path)
    assert "kernelapp" not in pycs(site / "ipykernel")  # uv installs without bytecode
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    await start_kernel_once(env.python, cache_root.parent)
    assert {"kernelapp", "ipkernel", "zmqshell"} <= pycs(site / "ipykernel")
    assert "interactiveshell" in pycs(site / "IPython" / "core")


async def test_a_new_environment_borrows_the_bytecode_of_the_same_files(
    make_notebook, cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    first = ensure_environment(make_notebook("a.py", dependencies=[]), cache_root=cache_root)
    await start_kernel_once(first.python, cache_root.parent)  # compiles the kernel's modules there
    # no packages to sync: no compile beside uv (build.py), only what is borrowed
    second = ensure_environment(make_notebook("b.py", dependencies=[], requires_python=">=3.10"), cache_root=cache_root)
    assert second.path != first.path
    (site,) = bytecode.site_packages(second.path)
    assert {"kernelapp", "ipkernel", "zmqshell"} <= pycs(site / "ipykernel")  # before any kernel ran there
    assert "interactiveshell" in pycs(site / "IPython" / "core")
    await start_kernel_once(second.python, cache_root.parent)  # and the borrowed files are good to run


def test_background_compile_covers_the_notebooks_packages_once(make_notebook, cache_root: Path) -> None:
    env = ensure_environment(make_notebook(dependencies=["six"]), cache_root=cache_root)
    (site,) = bytecode.site_packages(env.path)
    assert not bytecode.is_compiled(env.path)
    proc = bytecode.compile_in_background(env.path)
    assert proc is not None
    assert proc.wait(timeout=600) == 0
    assert bytecode.is_compiled(env.path)
    assert "six" in pycs(site)
    assert bytecode.compile_in_background(env.path) is None  # done once


def test_the_build_leaves_no_compile_running(make_notebook, cache_root: Path) -> None:
    ensure_environment(make_notebook(dependencies=["six"]), cache_root=cache_root)
    warm = [p for p in psutil.Process(os.getpid()).children(recursive=True) if "--warm" in " ".join(p.cmdline())]
    assert warm == []


def test_stopping_the_background_compile_stops_its_worker_processes(make_notebook, cache_root: Path) -> None:
    """compileall compiles in a pool of processes: stopping only its parent left them behind, for good."""
    env = ensure_environment(make_notebook(dependencies=["six"]), cache_root=cache_root)
    (site,) = bytecode.site_packages(env.path)
    many = site / "reflow_test_many"  # enough to compile that the pool is still at work when stopped
    many.mkdir()
    for i in range(4000):
        (many / f"m{i}.py").write_text("".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(40)))
    proc = bytecode.compile_in_background(env.path)
    assert proc is not None
    parent = psutil.Process(proc.pid)
    workers: list[psutil.Process] = []
    deadline = time.monotonic() + WAIT
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = parent.children(recursive=True)
        time.sleep(0.02)  # polling for the pool to appear (an event with no other signal), not waiting on time
    assert workers, "the compile ended before its pool of workers was seen"
    bytecode.stop_background()
    _gone, alive = psutil.wait_procs(workers, timeout=WAIT)
    assert alive == [] and not bytecode.is_compiled(env.path)
