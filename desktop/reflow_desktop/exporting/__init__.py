"""Exports of a notebook: .ipynb, one self-contained HTML page, a flat script.

Every exporter takes a parsed ``Notebook`` plus the outputs to embed (protocol
``Output`` dicts per cell id, see docs/protocol.md); ``sources`` decides where
those outputs come from (the sidecar when current, or a fresh run).
The exporters load on first use: the server imports ``exporting.reveal`` at start-up and must not
pay for the .ipynb writer, the execution order (the engine's analysis and graph) with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflow_desktop.lazy import lazy_names

if TYPE_CHECKING:
    from .ipynb import notebook_to_ipynb, write_ipynb
    from .script import notebook_to_script

__all__ = ["notebook_to_ipynb", "notebook_to_script", "write_ipynb"]
__getattr__ = lazy_names(
    __name__, {"notebook_to_ipynb": "ipynb", "write_ipynb": "ipynb", "notebook_to_script": "script"}
)
