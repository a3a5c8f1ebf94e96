"""The protocol as one JSON Schema document (docs/protocol.schema.json), made from the Structs.

The UI build turns it into TypeScript (``ui/scripts/gen-protocol.mjs`` with
json-schema-to-typescript → ``ui/src/protocol.generated.ts``), as marimo turns its
msgspec models into ``packages/openapi/api.yaml`` and then into ``api.ts``.
Besides ``$defs`` the document carries ``x-reflow-constants``: values the UI needs at
run time (message type lists, cell statuses in order, the settings' declarations); the
generator emits them as ``export const``.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Annotated, Any, get_args, get_origin

import msgspec

from reflow_desktop.protocol import client, server, shapes
from reflow_desktop.protocol.client import ClientMessage
from reflow_desktop.protocol.server import SERVER_MESSAGE_CLASSES, ServerMessage
from reflow_desktop.protocol.shapes import CELL_STATUSES, PROTOCOL_VERSION, SHAPES, message_type
from reflow_desktop.settings import DECLARATIONS, Settings


# Named aliases (``Annotated[..., Meta(title=NAME)]``): msgspec inlines them; we lift each
# into ``$defs`` and point at it, so the TypeScript names them too.
def _titled_aliases(*modules: ModuleType) -> dict[str, object]:
    """Every module-level ``Annotated[..., Meta(title=T)]`` of the definition, by title."""
    found: dict[str, object] = {}
    for module in modules:
        for obj in vars(module).values():
            title = getattr(get_args(obj)[-1], "title", None) if get_origin(obj) is Annotated else None
            if isinstance(title, str):
                found.setdefault(title, obj)
    return found


ALIASES: dict[str, object] = _titled_aliases(shapes, client, server)

_REF = "#/$defs/{name}"


def _alias_schema(alias: object) -> dict[str, Any]:
    (root,), _defs = msgspec.json.schema_components([alias], ref_template=_REF)
    return dict(root)


def _lift_aliases(node: Any, canonical: dict[str, dict[str, Any]]) -> Any:
    """Replace every inline titled alias by a ``$ref`` (plus the field's own description)."""
    if isinstance(node, list):
        return [_lift_aliases(x, canonical) for x in node]
    if not isinstance(node, dict):
        return node
    title = node.get("title")
    if title in canonical:
        ref: dict[str, Any] = {"$ref": _REF.format(name=title)}
        if "description" in node and node["description"] != canonical[title].get("description"):
            ref["description"] = node["description"]
        return ref
    return {k: _lift_aliases(v, canonical) for k, v in node.items()}


def _tidy(node: Any) -> None:
    """Say what msgspec leaves implicit: Structs have exactly their fields, free-form objects any
    keys; a Struct's tag (a one-value enum) becomes a ``const``."""
    if isinstance(node, list):
        for x in node:
            _tidy(x)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "object" and "additionalProperties" not in node:
        node["additionalProperties"] = False if "properties" in node else True
    enum = node.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and set(node) == {"enum"}:
        node["const"] = node.pop("enum")[0]
    for value in node.values():
        _tidy(value)


def protocol_schema() -> dict[str, Any]:
    """The whole protocol: every message and shape, plus the constants the UI needs."""
    _roots, raw_defs = msgspec.json.schema_components(
        [ServerMessage, ClientMessage, *SHAPES, Settings], ref_template=_REF
    )
    canonical = {name: _alias_schema(alias) for name, alias in ALIASES.items()}
    defs = {name: _lift_aliases(d, canonical) for name, d in raw_defs.items()}
    for name, alias_schema in canonical.items():  # an alias's own body may use other aliases
        defs[name] = {k: _lift_aliases(v, canonical) for k, v in alias_schema.items()}
    # Settings are always sent whole (defaults filled in): every field is required on the wire.
    settings = defs["Settings"]
    settings["required"] = list(settings["properties"])
    for prop in settings["properties"].values():
        prop.pop("default", None)  # the defaults live in x-reflow-constants.SETTINGS
    for d in defs.values():
        _tidy(d)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ReflowProtocol",
        "description": f"Reflow's UI ↔ server protocol, version {PROTOCOL_VERSION}. Generated from "
        "desktop/reflow_desktop/protocol; do not edit.",
        "type": "object",
        "properties": {
            "server": {"$ref": _REF.format(name="ServerMessage")},
            "client": {"$ref": _REF.format(name="ClientMessage")},
        },
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
        "x-reflow-constants": {
            "PROTOCOL_VERSION": PROTOCOL_VERSION,
            "SERVER_MESSAGE_TYPES": [message_type(c) for c in SERVER_MESSAGE_CLASSES],
            "CELL_STATUSES": list(CELL_STATUSES),
            "SETTINGS": {
                d.name: {"default": d.default, "choices": list(d.choices), "description": d.description}
                for d in DECLARATIONS
            },
        },
    }


def schema_text() -> str:
    """The schema as it is committed (stable key order, trailing newline)."""
    return json.dumps(protocol_schema(), indent=1, ensure_ascii=False) + "\n"
