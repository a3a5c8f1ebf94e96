"""Exports mask the notebook's secrets again, from the keychain's current values.

The kernel masks the values it was given before anything leaves it, so outputs in the sidecar are
masked already. An export masks once more because its outputs may be older than the declaration (a
key printed before it moved to the keychain) or come from another kernel; every exporter (HTML and
so PDF, ipynb) calls ``notebook_mask`` on the notebook it writes. Reading only: nothing is asked
for, and a keychain that cannot be read leaves the kernel's masking as the only one.
"""

from __future__ import annotations

from reflow.notebook import Notebook
from reflow.notebook.metadata import reflow_config
from reflow.notebook.secret_names import declared_secrets
from reflow.secret_mask import SecretMask
from reflow_desktop.secrets.keychain import KeychainError, read_secrets


def notebook_mask(nb: Notebook) -> SecretMask:
    """A mask of the values the keychain holds for ``nb``'s declared secrets (empty: none declared)."""
    names = declared_secrets(reflow_config(nb))
    if not names:
        return SecretMask()
    try:
        return SecretMask(read_secrets(names).values())
    except KeychainError:
        return SecretMask()
