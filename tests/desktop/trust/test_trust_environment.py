"""Safe preview builds no environment: a dependency's build code (here a local package whose build
backend writes a marker when uv imports it) never runs for an untrusted notebook, and does after trust."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from helpers import Recorder, trust, until

from reflow_desktop.session import Session

pytestmark = pytest.mark.uv
WAIT = 240.0  # a generous readiness wait for a real uv build; never a performance limit


@pytest.fixture(autouse=True)
def isolated_uv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))


def booby_trapped(tmp_path: Path, marker: Path) -> Path:
    """A notebook depending on a local package whose in-tree build backend writes ``marker`` on import."""
    pkg = tmp_path / "evilpkg"
    pkg.mkdir()
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "evilpkg"\nversion = "0.1"\n'
    )
    (pkg / "backend.py").write_text(f"open({str(marker)!r}, 'w').write('build code ran')\n")
    path = tmp_path / "nb.py"
    path.write_text(
        f'# /// script\n# requires-python = ">=3.11"\n# dependencies = ["evilpkg @ {pkg.as_uri()}"]\n# ///\n\n'
        "# %%\nx = 1\n"
    )
    return path


async def _open(path: Path, envs: Path) -> tuple[Session, Recorder]:
    session = Session(path, autosave_delay=None, environments=True, env_cache_root=envs)
    rec = Recorder()
    session.attach(rec)
    await asyncio.wait_for(session.start(), WAIT)
    return session, rec


async def test_an_untrusted_notebook_builds_no_environment(tmp_path: Path, untrusted_user: Path) -> None:
    marker, envs = tmp_path / "marker", tmp_path / "envs"
    session, rec = await _open(booby_trapped(tmp_path, marker), envs)
    try:
        assert session.trust.state.status == "untrusted"
        assert not any(m["type"] == "env_progress" for m in rec.messages)  # no build was started
        assert not marker.exists() and not (envs.exists() and any(envs.iterdir()))
    finally:
        await session.close()


async def test_the_same_notebook_trusted_does_build_so_the_trap_is_real(tmp_path: Path, untrusted_user: Path) -> None:
    marker = tmp_path / "marker"
    path = booby_trapped(tmp_path, marker)
    trust(path)
    session, _ = await _open(path, tmp_path / "envs")
    try:
        await until(marker.exists, WAIT)  # uv imported the build backend (the kernel may then fail: no matter)
    finally:
        await session.close()
