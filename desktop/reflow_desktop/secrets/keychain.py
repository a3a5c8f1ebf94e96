"""The OS keychain through ``keyring``: one entry per secret name under the service ``reflow``.

``keyring`` picks the platform's store (macOS Keychain, Windows Credential Locker, the freedesktop
Secret Service on Linux). Its calls block (D-Bus, a keychain unlock prompt): callers run them in a
worker thread. Errors become ``KeychainError`` whose text never holds a value.
``keyring`` is imported at the first call (it pulls in jaraco, urllib, D-Bus bindings: ~40 ms
that a launch or an export without secrets should not pay).
"""

from __future__ import annotations

from collections.abc import Iterable

SERVICE = "reflow"


class KeychainError(Exception):
    """The keychain could not be read or written (none available, locked, refused)."""


def keychain_name() -> str:
    """The store in use, for the UI ("SecretService Keyring", "macOS Keyring"...)."""
    try:
        import keyring

        return str(keyring.get_keyring().name)
    except Exception:  # a broken backend must not break the dialog that names it
        return "the OS keychain"


def _failed(what: str, exc: BaseException) -> KeychainError:
    return KeychainError(f"the OS keychain ({keychain_name()}) could not {what}: {type(exc).__name__}: {exc}")


def read_secrets(names: Iterable[str]) -> dict[str, str]:
    """The stored values of ``names``; names the keychain does not hold are left out."""
    import keyring
    from keyring.errors import KeyringError

    found: dict[str, str] = {}
    for name in names:
        try:
            value = keyring.get_password(SERVICE, name)
        except (KeyringError, OSError, RuntimeError) as exc:  # RuntimeError: D-Bus and backend init failures
            raise _failed(f"be read for {name}", exc) from None
        if value is not None:
            found[name] = value
    return found


def store_secret(name: str, value: str) -> None:
    """Store (or replace) the value of ``name`` in the keychain."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except (KeyringError, OSError, RuntimeError) as exc:
        raise _failed(f"store {name}", exc) from None


def delete_secret(name: str) -> bool:
    """Remove ``name`` from the keychain; False when it held none."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except (KeyringError, OSError, RuntimeError) as exc:
        raise _failed(f"delete {name}", exc) from None
    return True
