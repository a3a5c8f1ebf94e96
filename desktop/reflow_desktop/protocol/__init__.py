"""The UI ↔ server protocol, defined once: every message and shape is a ``msgspec.Struct`` here.

Derived from this definition (never edited by hand):

- ``docs/protocol.schema.json`` — the JSON Schema (``schema.protocol_schema``);
- ``ui/src/protocol.generated.ts`` — the UI's types and constants, made from that schema by
  json-schema-to-typescript in the UI build (``ui/scripts/gen-protocol.mjs``);
- the tables of ``docs/protocol.md`` (``docs.render_docs``; the prose around them is by hand).

``tests/desktop/test_protocol.py`` fails when any of them disagrees with the Python.

Messages travel as plain dicts (``json.dumps`` / ``json.loads``): the server validates what a
UI sends with ``validate_client_message`` (or ``decode_client_message`` for the typed
Struct), and builds what it sends with the constructors in ``build``.

How to add or change a message:

1. Server → UI: subclass ``server.ServerMsg`` with ``tag="your_type"``; UI → server: subclass
   ``client.ClientMsg`` (set ``READ_ONLY = True`` if a read-only session accepts it). Required
   fields first, optional ones with ``= UNSET`` (absent) or ``= None`` (sent as null). The class
   docstring is the message's row in docs/protocol.md — say when it is sent or what it does.
   A request answered by one reply, and that reply, also subclass ``messages.Correlated``
   (``request_id``). A shape used by several messages goes to ``shapes`` (and into
   ``shapes.SHAPES``); a named value set is an ``Annotated[Literal[...], Meta(title="Name")]``
   alias in ``shapes`` (the engine's, like ``CellStatus``, are taken from ``reflow.runtime.types``).
2. List the class in ``server.SERVER_MESSAGE_CLASSES`` / ``client.CLIENT_MESSAGE_CLASSES``.
3. ``cd ui && npm run gen:protocol`` (``npm run build`` does it too): rewrites the schema, the
   docs tables and the TypeScript. Commit all three.
4. A client message needs a handler (the session's ``_h_<type>``); a server message needs a
   case in the UI's store (``applyServer``). A breaking change bumps ``PROTOCOL_VERSION``.
"""

from __future__ import annotations

from reflow_desktop.protocol.build import (
    background_kernel_msg,
    cells_msg,
    complete_reply_msg,
    env_progress_msg,
    error_msg,
    inspect_reply_msg,
    kernel_msg,
    notice_msg,
    packages_msg,
    place_msg,
    saved_msg,
    session_msg,
    settings_msg,
    transaction_applied_msg,
    trust_msg,
)
from reflow_desktop.protocol.client import (
    CLIENT_MESSAGE_CLASSES,
    READ_ONLY_ALLOWED,
    ClientMessage,
    ClientMsg,
)
from reflow_desktop.protocol.server import SERVER_MESSAGE_CLASSES, ServerMessage, ServerMsg
from reflow_desktop.protocol.shapes import (
    CELL_STATUSES,
    PROTOCOL_VERSION,
    CellError,
    CellKind,
    CellState,
    CellStatus,
    EnvInfo,
    GraphEntry,
    KernelStateName,
    MimeBundle,
    Output,
    message_type,
)
from reflow_desktop.protocol.validate import ProtocolError, decode_client_message, validate_client_message

SERVER_MESSAGES: frozenset[str] = frozenset(message_type(c) for c in SERVER_MESSAGE_CLASSES)
CLIENT_MESSAGES: frozenset[str] = frozenset(message_type(c) for c in CLIENT_MESSAGE_CLASSES)

__all__ = [
    "CELL_STATUSES",
    "CLIENT_MESSAGES",
    "CLIENT_MESSAGE_CLASSES",
    "PROTOCOL_VERSION",
    "READ_ONLY_ALLOWED",
    "SERVER_MESSAGES",
    "SERVER_MESSAGE_CLASSES",
    "CellError",
    "CellKind",
    "CellState",
    "CellStatus",
    "ClientMessage",
    "ClientMsg",
    "EnvInfo",
    "GraphEntry",
    "KernelStateName",
    "MimeBundle",
    "Output",
    "ProtocolError",
    "ServerMessage",
    "ServerMsg",
    "background_kernel_msg",
    "cells_msg",
    "complete_reply_msg",
    "decode_client_message",
    "env_progress_msg",
    "error_msg",
    "inspect_reply_msg",
    "kernel_msg",
    "message_type",
    "notice_msg",
    "packages_msg",
    "place_msg",
    "saved_msg",
    "session_msg",
    "settings_msg",
    "transaction_applied_msg",
    "trust_msg",
    "validate_client_message",
]
