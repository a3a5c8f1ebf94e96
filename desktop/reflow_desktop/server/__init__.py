"""The local HTTP + WebSocket server (127.0.0.1, per-launch token, Host/Origin checks)."""

from reflow_desktop.server.app import ReflowServer

__all__ = ["ReflowServer"]
