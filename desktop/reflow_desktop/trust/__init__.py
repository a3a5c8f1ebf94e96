"""Notebook trust: a notebook runs only when this user created it, saved it from Reflow, or chose "Trust".

Like Jupyter's notebook signatures: an HMAC-SHA256 with the per-user key of the notebook's bytes
(and, per cell, of each cell's code at its path) kept in a bounded store in the user data dir.
"""

from __future__ import annotations

from reflow_desktop.trust.check import TrustState, assess, sign_notebook, trusted_dirs
from reflow_desktop.trust.store import TrustStore, default_store

__all__ = ["TrustState", "TrustStore", "assess", "default_store", "sign_notebook", "trusted_dirs"]
