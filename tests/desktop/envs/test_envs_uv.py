"""The uv wrapper: binary discovery, environment hygiene, streamed progress, typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow_desktop.envs.errors import EnvBuildError, UvCommandError
from reflow_desktop.envs.uv import find_uv, run_uv, uv_environment, uv_version


def test_finds_the_packaged_uv() -> None:
    assert find_uv().exists()
    assert uv_version().startswith("uv ")


def test_child_environment_drops_venv_selectors() -> None:
    env = uv_environment(
        {"X": "1"},
        base={
            "VIRTUAL_ENV": "/somewhere",
            "UV_PROJECT_ENVIRONMENT": "/x",
            "UV_PYTHON_DOWNLOADS": "never",
            "PATH": "/bin",
        },
    )
    assert "VIRTUAL_ENV" not in env and "UV_PROJECT_ENVIRONMENT" not in env
    assert env["UV_PYTHON_DOWNLOADS"] == "never" and env["X"] == "1" and env["PATH"] == "/bin"


def test_progress_streams_stderr_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "not-this-one"))
    lines: list[str] = []
    run_uv(["venv", "--no-project", str(tmp_path / "v")], progress=lines.append)
    assert any("Creating virtual environment" in line for line in lines)
    assert all("\n" not in line for line in lines)
    assert (tmp_path / "v" / "pyvenv.cfg").exists()
    assert not (tmp_path / "not-this-one").exists()


def test_failure_carries_uv_text_and_requested_type() -> None:
    with pytest.raises(EnvBuildError) as info:
        run_uv(["python", "find", "--no-project", ">=3.99"], error=EnvBuildError, what="finding python failed")
    err = info.value
    assert isinstance(err, UvCommandError) and err.returncode not in (0, None)
    assert "3.99" in err.uv_output
    assert str(err).startswith("finding python failed")
