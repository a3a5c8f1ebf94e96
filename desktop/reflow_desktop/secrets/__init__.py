"""Notebook secrets from the OS keychain (``[tool.reflow] secrets = ["OPENAI_API_KEY"]``).

The app process, never the kernel, reads the values with ``keyring`` (macOS Keychain, Windows
Credential Locker, the Secret Service on Linux), asks the page once for a missing one (the value goes
straight to the keychain), and puts them in the kernel's environment at each start and restart. The
kernel masks them in everything it sends and journals (``reflow.secret_mask``); exports mask them
again from the keychain. Untrusted notebooks never get them. See docs/secrets.md.
"""

from __future__ import annotations

from reflow_desktop.secrets.keychain import SERVICE, KeychainError, keychain_name, read_secrets, store_secret

__all__ = ["SERVICE", "KeychainError", "keychain_name", "read_secrets", "store_secret"]
