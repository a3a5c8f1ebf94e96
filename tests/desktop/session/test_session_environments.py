"""A session runs its kernel in the notebook's own uv environment (real uv, real PyPI)."""

from __future__ import annotations

import ast
import asyncio
import os
from pathlib import Path

import pytest
from helpers import local_wheel, results_text

from reflow_desktop.pids import pid_alive
from reflow_desktop.session import Session, early_kernel
from reflow_desktop.session.kernel import KernelProcess

pytestmark = pytest.mark.uv
WAIT = 240.0  # a generous readiness wait for a real uv build; never a performance limit


@pytest.fixture(autouse=True)
def isolated_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


def notebook(tmp_path: Path, deps: str) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = [{deps}]\n# ///\n\n'
        "# %%\nimport sys, six\n\n# %%\n(six.__name__, sys.prefix)\n"
    )
    return path


async def test_kernel_runs_in_the_notebooks_environment(tmp_path: Path, recorder_class):
    path = notebook(tmp_path, '"six"')
    envs = tmp_path / "envs"
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "variables")
        second = session.notebook.cells[1].id
        shown = results_text(session.cache.get(second).outputs)
        assert "'six'" in shown
        assert str(envs.resolve()) in shown  # sys.prefix is the notebook's environment
        assert any(m["type"] == "env_progress" for m in rec.messages)
    finally:
        await session.close()


async def test_failed_build_reports_uvs_message_and_keeps_the_code(
    tmp_path: Path, recorder_class, early_pids: list[int]
):
    path = notebook(tmp_path, '"this-package-does-not-exist-reflow-xyz"')
    before = path.read_bytes()
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        dead = await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
        assert "this-package-does-not-exist-reflow-xyz" in dead["message"]
        notice = await rec.wait_for(lambda m: m["type"] == "notice" and m["level"] == "error")
        assert "environment could not be prepared" in notice["text"]
        assert session.session_message()["kernel"]["state"] == "dead"
        assert path.read_bytes() == before  # nothing touched
        assert session.notebook.cells[0].source == "import sys, six"
        # the kernel started while uv tried to install the notebook's packages is stopped
        assert len(early_pids) == 1 and not pid_alive(early_pids[0]) and session.kernel.km is None
    finally:
        await session.close()


async def test_fixing_the_block_then_restart_starts_the_kernel(tmp_path: Path, recorder_class):
    path = notebook(tmp_path, '"this-package-does-not-exist-reflow-xyz"')
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=tmp_path / "envs")
    rec = recorder_class()
    session.attach(rec)
    try:
        await asyncio.wait_for(session.start(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
        path.write_text(path.read_text().replace('"this-package-does-not-exist-reflow-xyz"', '"six"'))
        mark = rec.mark()
        await asyncio.wait_for(session.restart(), WAIT)
        await rec.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle", mark)
        assert session.kernel.pid is not None and os.path.exists(f"/proc/{session.kernel.pid}")
    finally:
        await session.close()


@pytest.fixture
def early_pids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the kernels the sessions started early (while uv installed the notebook's packages)."""
    pids: list[int] = []
    run = early_kernel.EarlyKernel._run

    async def recording(self: early_kernel.EarlyKernel, kernel: KernelProcess) -> None:
        await run(self, kernel)
        if kernel.pid is not None:
            pids.append(kernel.pid)

    monkeypatch.setattr(early_kernel.EarlyKernel, "_run", recording)
    return pids


async def open_and_show_last(path: Path, envs: Path, recorder_class) -> tuple[Session, str]:
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = recorder_class()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    await rec.wait_for(lambda m: m["type"] == "variables")
    return session, results_text(session.cache.get(session.notebook.cells[-1].id).outputs)


async def test_a_new_environments_kernel_starts_while_its_packages_install(
    tmp_path: Path, recorder_class, early_pids: list[int]
):
    """The kernel started before uv installed the notebook's packages runs the notebook: it is in the
    notebook's folder and has read the ``.pth`` file a package installed after it started."""
    wheel = local_wheel(
        tmp_path,
        "pth-demo",
        "1.0",
        {"pth_demo.pth": "import os; os.environ['REFLOW_PTH_DEMO'] = 'read'\n", "pth_demo/__init__.py": ""},
    )
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = folder / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = ["six", "pth-demo @ {wheel.as_uri()}"]\n'
        "# ///\n\n# %%\nimport os, six, pth_demo\n\n# %%\n"
        "(os.getpid(), os.environ.get('REFLOW_PTH_DEMO'), os.getcwd(), 'REFLOW_KERNEL_PRESTARTED' in os.environ)\n"
    )
    session, shown = await open_and_show_last(path, tmp_path / "envs", recorder_class)
    try:
        assert len(early_pids) == 1 and session.kernel.pid == early_pids[0]
        assert ast.literal_eval(shown) == (early_pids[0], "read", str(folder), False)
    finally:
        await session.close()


async def test_a_pinned_kernel_package_gets_a_fresh_kernel(tmp_path: Path, recorder_class, early_pids: list[int]):
    """The notebook replaces a package ipykernel brought: the kernel started before is stopped, not used."""
    wheel = local_wheel(tmp_path, "tzdata", "1.0.0", {"tzdata/__init__.py": "IANA_VERSION = 'reflow-test'\n"})
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = ["tzdata @ {wheel.as_uri()}"]\n# ///\n\n'
        "# %%\nimport os, tzdata\n\n# %%\n(os.getpid(), tzdata.IANA_VERSION)\n"
    )
    session, shown = await open_and_show_last(path, tmp_path / "envs", recorder_class)
    try:
        assert len(early_pids) == 1 and session.kernel.pid not in (None, early_pids[0])
        assert ast.literal_eval(shown) == (session.kernel.pid, "reflow-test")
        assert not pid_alive(early_pids[0])
    finally:
        await session.close()
