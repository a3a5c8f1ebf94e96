"""Every cache test signs with a key of its own (never the developer's real key file)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def signing_key_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``REFLOW_KEY_FILE`` in a fresh directory; subprocesses started by a test inherit it."""
    path = tmp_path_factory.mktemp("key") / "secret.key"
    monkeypatch.setenv("REFLOW_KEY_FILE", str(path))
    return path
