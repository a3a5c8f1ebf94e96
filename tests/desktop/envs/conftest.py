"""Fixtures for the environment tests: isolated Reflow cache, shared-per-session uv cache, no Python downloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uv cache for the session: isolated from the user's, warm after the first build."""
    return tmp_path_factory.mktemp("uv-cache")


@pytest.fixture(autouse=True)
def _uv_isolation(monkeypatch: pytest.MonkeyPatch, uv_cache: Path) -> None:
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    monkeypatch.setenv("UV_CACHE_DIR", str(uv_cache))
    monkeypatch.delenv("REFLOW_CACHE_DIR", raising=False)


@pytest.fixture
def cache_root(tmp_path: Path) -> Path:
    return tmp_path / "reflow-cache"


def notebook_text(
    dependencies: list[str] | None = None, requires_python: str | None = ">=3.11", body: str = "import six\n"
) -> str:
    """A small notebook; ``dependencies=None`` gives one without a PEP 723 block."""
    if dependencies is None:
        return f"# %%\n{body}"
    lines = ["# /// script"]
    if requires_python is not None:
        lines.append(f'# requires-python = "{requires_python}"')
    lines.append("# dependencies = [" + ", ".join(f'"{d}"' for d in dependencies) + "]")
    lines.append("# ///")
    return "\n".join(lines) + f"\n# %%\n{body}"


@pytest.fixture
def make_notebook(tmp_path: Path) -> Callable[..., Path]:
    def make(
        name: str = "nb.py",
        dependencies: list[str] | None = None,
        requires_python: str | None = ">=3.11",
        body: str = "import six\n",
    ) -> Path:
        path = tmp_path / name
        path.write_text(notebook_text(dependencies, requires_python, body), encoding="utf-8")
        return path

    return make
