"""What the SSH host gets before a kernel runs there (remote/ssh_deploy.py, ssh_env.py), against a real sshd.

uv arrives as a copy of this app's own binary (same platform) or, when asked, as the wheel from PyPI
unpacked by the host's python3 (this test needs PyPI); the engine ships once per version; the
environment there has the key a local build of the same notebook gets from the same interpreter.
"""

from __future__ import annotations

import tarfile
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from reflow_desktop import resources
from reflow_desktop.envs.key import environment_key
from reflow_desktop.envs.spec import read_spec
from reflow_desktop.remote.ssh_connection import SshConnection, SshError
from reflow_desktop.remote.ssh_deploy import engine_tarball, ensure_uv, remote_home, ship_engine
from reflow_desktop.remote.ssh_env import ensure_remote_environment, find_interpreter

pytestmark = pytest.mark.uv


@pytest.fixture
async def conn(ssh_host: Any) -> AsyncIterator[SshConnection]:
    c = SshConnection(ssh_host.host)
    await c.open()
    yield c
    await c.close()


def test_the_engine_tarball_holds_sources_only_and_its_version_follows_them(tmp_path: Path) -> None:
    pkg = tmp_path / "reflow"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "__init__.py").write_text("x = 1\n")
    (pkg / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"junk")
    version, data = engine_tarball(tmp_path)
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        assert tar.getnames() == ["reflow/__init__.py"]
    assert engine_tarball(tmp_path)[0] == version
    (pkg / "__init__.py").write_text("x = 2\n")
    assert engine_tarball(tmp_path)[0] != version


async def test_the_engine_ships_once_per_version(conn: SshConnection, ssh_host: Any) -> None:
    base = f"{await remote_home(conn)}/.cache/reflow-remote"
    first = await ship_engine(conn, base, resources.engine_dir())
    marker = Path(first) / ".complete"
    assert (Path(first) / "reflow" / "kernel" / "__main__.py").is_file() and marker.is_file()
    stamp = marker.stat().st_mtime_ns
    assert await ship_engine(conn, base, resources.engine_dir()) == first
    assert marker.stat().st_mtime_ns == stamp  # not copied again
    assert first.startswith(str(ssh_host.home))


async def test_the_environment_there_has_the_local_key_for_the_same_interpreter(
    conn: SshConnection, ssh_host: Any, tmp_path: Path
) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text('# /// script\n# requires-python = ">=3.11"\n# dependencies = []\n# ///\n\n# %%\nx = 1\n')
    base = f"{await remote_home(conn)}/.cache/reflow-remote"
    uv = await ensure_uv(conn, base)
    lines: list[str] = []
    env = await ensure_remote_environment(conn, uv, base, nb, lines.append)
    interp = await find_interpreter(conn, uv, ">=3.11")
    assert env.key == environment_key(read_spec(nb), interp)  # the key envs/key.py gives that interpreter
    assert Path(env.python).is_file() and env.path.startswith(str(ssh_host.home))
    again = await ensure_remote_environment(conn, uv, base, nb)
    assert again.key == env.key and not again.created  # reopening is a directory lookup there too


async def test_uv_from_pypi_when_the_platform_differs(conn: SshConnection, tmp_path: Path) -> None:
    """The wheel route (used when the host's OS/CPU differ from ours), forced here; needs PyPI."""
    base = f"{await remote_home(conn)}/pypi-uv"
    try:
        uv = await ensure_uv(conn, base, how="pypi")
    except SshError as exc:
        if "urlopen error" in str(exc) or "Temporary failure" in str(exc):
            pytest.skip(f"PyPI is not reachable from here: {exc}")
        raise
    assert uv == f"{base}/bin/uv"
    version = (await conn.run('"$1" --version', uv)).stdout
    assert version.startswith("uv ")
