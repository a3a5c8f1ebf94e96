"""Sessions: one per open notebook, owning its document, its kernel and its cell state.

``Session`` is imported lazily so that helpers can import ``session.doors`` (their
narrow interfaces) and ``session.saves`` without loading the session itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reflow_desktop.session.session import Session

__all__ = ["Session"]


def __getattr__(name: str) -> Any:
    if name == "Session":
        from reflow_desktop.session.session import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
