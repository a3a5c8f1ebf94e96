"""Checking what a UI sends before a handler sees it (a WebSocket frame is hostile input).

Besides the shape, every string in a message (keys included) must be text a notebook file can
hold: no NUL and no lone surrogate (half an emoji, which ``json.loads`` lets through as
``"\\ud83d"``). Such text would be taken into the document and then fail every later save.
"""

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
    check_text(msg)  # first: an error about a bad field must not echo its bad text back
    decode_client_message(msg)
    return msg


def bad_text(text: str) -> str | None:
    """Why ``text`` cannot go into a notebook (a NUL, a lone surrogate), or None."""
    if "\x00" in text:
        return "text contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text contains a lone surrogate (half of an emoji or other character)"
    return None


def check_text(value: object) -> None:
    """ProtocolError if any string in ``value`` (a decoded JSON value; walked without recursion) is bad text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            problem = bad_text(item)
            if problem is not None:
                raise ProtocolError(f"{problem}; nothing was changed")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
