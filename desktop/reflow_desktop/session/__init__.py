"""Sessions: one per open notebook, owning its file, its kernel and its cell state."""

from reflow_desktop.session.session import Session

__all__ = ["Session"]
