"""Checking what a UI sends before a handler sees it (a WebSocket frame is hostile input)."""

from __future__ import annotations

from typing import Any

import msgspec

from reflow_desktop.protocol.client import CLIENT_MESSAGE_CLASSES, ClientMsg
from reflow_desktop.protocol.shapes import message_type

_CLASS_BY_TYPE: dict[str, type[ClientMsg]] = {message_type(c): c for c in CLIENT_MESSAGE_CLASSES}


class ProtocolError(ValueError):
    """A client message that is not part of the protocol (unknown type, missing or bad field)."""


def decode_client_message(msg: object) -> ClientMsg:
    """A decoded JSON value as its typed message (``RunMsg``…); ProtocolError says what is wrong."""
    if not isinstance(msg, dict):
        raise ProtocolError("message must be a JSON object")
    mtype = msg.get("type")
    cls = _CLASS_BY_TYPE.get(mtype) if isinstance(mtype, str) else None
    if cls is None:
        raise ProtocolError(f"unknown message type: {mtype!r}")
    try:
        return msgspec.convert(msg, cls)
    except msgspec.ValidationError as exc:
        raise ProtocolError(f"{mtype}: {exc}") from None


def validate_client_message(msg: object) -> dict[str, Any]:
    """Check a decoded UI message against its declaration; return it unchanged, as a dict."""
    if not isinstance(msg, dict):
        raise ProtocolError("message must be a JSON object")
    decode_client_message(msg)
    return msg
