"""The local HTTP + WebSocket server (127.0.0.1, per-launch token, Host/Origin checks).

``ReflowServer`` is imported on first use: helpers of this package that need no server (the
CSP hashes an HTML export embeds) must not pull tornado, sessions and jupyter_client in with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reflow_desktop.server.app import ReflowServer

__all__ = ["ReflowServer"]


def __getattr__(name: str) -> object:
    if name == "ReflowServer":
        from reflow_desktop.server.app import ReflowServer

        return ReflowServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
