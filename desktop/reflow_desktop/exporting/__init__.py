"""Exports of a notebook: .ipynb, one self-contained HTML page, a flat script.

Every exporter takes a parsed ``Notebook`` plus the outputs to embed (protocol
``Output`` dicts per cell id, see docs/protocol.md); ``sources`` decides where
those outputs come from (the sidecar when current, or a fresh run).
"""

from __future__ import annotations

from .ipynb import notebook_to_ipynb, write_ipynb
from .script import notebook_to_script

__all__ = ["notebook_to_ipynb", "notebook_to_script", "write_ipynb"]
