"""The real Secret Service for secrets tests: a private D-Bus bus with gnome-keyring (helpers.secret_service)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from helpers import secret_service
from keyring.backends import SecretService


@pytest.fixture
def keychain(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An unlocked Secret Service of its own, the app's keyring backend; yields the keyring's own folder.

    The test process (the app side) reaches it through DBUS_SESSION_BUS_ADDRESS; keyring is told to use
    its Secret Service backend, the one it picks on a Linux desktop.
    """
    base = tmp_path_factory.mktemp("keychain")
    with secret_service(base) as bus:
        for name, value in bus.items():
            monkeypatch.setenv(name, value)
        previous = keyring.get_keyring()
        backend = SecretService.Keyring()
        assert backend.priority > 0, "the Secret Service backend is not usable here"
        keyring.set_keyring(backend)
        try:
            yield base
        finally:
            keyring.set_keyring(previous)
