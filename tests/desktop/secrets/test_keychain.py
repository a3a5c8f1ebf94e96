"""The keychain module against gnome-keyring's real Secret Service on a private D-Bus bus."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from reflow_desktop.secrets import keychain as kc


def test_values_are_stored_and_read_back_from_the_secret_service(keychain: Path) -> None:
    assert "SecretService" in keychain_name_of()
    assert kc.read_secrets(["RF_A", "RF_B"]) == {}
    kc.store_secret("RF_A", "value-of-a-123")
    assert kc.read_secrets(["RF_A", "RF_B"]) == {"RF_A": "value-of-a-123"}
    assert keyring.get_password(kc.SERVICE, "RF_A") == "value-of-a-123"  # under the service "reflow"
    kc.store_secret("RF_A", "replaced-456")
    assert kc.read_secrets(["RF_A"]) == {"RF_A": "replaced-456"}
    assert kc.delete_secret("RF_A") is True
    assert kc.delete_secret("RF_A") is False
    assert kc.read_secrets(["RF_A"]) == {}


def keychain_name_of() -> str:
    return kc.keychain_name()


def test_no_keychain_is_a_clear_error_without_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(kc.KeychainError, match="could not store RF_A") as info:
            kc.store_secret("RF_A", "never-shown-789")
        assert "never-shown-789" not in str(info.value)
        with pytest.raises(kc.KeychainError, match="could not be read for RF_A"):
            kc.read_secrets(["RF_A"])
    finally:
        keyring.set_keyring(previous)
