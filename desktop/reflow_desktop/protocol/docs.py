"""docs/protocol.md's message tables, rendered from the protocol's JSON Schema.

The prose of docs/protocol.md is written by hand; the tables between
``<!-- generated: NAME -->`` and ``<!-- end generated -->`` are not: each row is one
message (or shape) of the definition with its fields (``name?`` = optional) and its
docstring. ``render_docs`` returns the document with fresh tables.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reflow_desktop.protocol.client import CLIENT_MESSAGE_CLASSES
from reflow_desktop.protocol.schema import ALIASES, protocol_schema
from reflow_desktop.protocol.server import SERVER_MESSAGE_CLASSES
from reflow_desktop.protocol.shapes import SHAPES, message_type

_BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z-]+) -->\n).*?(<!-- end generated -->)", re.S)


def type_text(node: dict[str, Any]) -> str:
    """A TypeScript-like spelling of a schema node (``CellState[]``, ``string | null``…)."""
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    if "const" in node:
        return json.dumps(node["const"])
    if "enum" in node:
        return " | ".join(json.dumps(v) for v in node["enum"])
    if "anyOf" in node:
        return " | ".join(type_text(n) for n in node["anyOf"])
    kind = node.get("type")
    if kind == "array":
        item = type_text(node.get("items", {}))
        return f"({item})[]" if " | " in item else f"{item}[]"
    if kind == "object":
        extra = node.get("additionalProperties")
        return f"{{[k]: {type_text(extra)}}}" if isinstance(extra, dict) else "{[k]: unknown}"
    return {"string": "string", "integer": "number", "number": "number", "boolean": "boolean", "null": "null"}.get(
        str(kind), "unknown"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(name: str, schema: dict[str, Any], skip: str | None, extra: str = "") -> str:
    required = set(schema.get("required", []))
    fields, notes = [], []
    for field, node in schema.get("properties", {}).items():
        if field == skip:
            continue
        mark = "" if field in required else "?"
        fields.append(f"{field}{mark}: {type_text(node)}")
        if node.get("description"):
            notes.append(f"`{field}`: {node['description']}")
    what = " ".join([schema.get("description", ""), *(f"{n}." if not n.endswith(".") else n for n in notes), extra])
    cols = [f"`{name}`", _one_line(f"`{', '.join(fields)}`" if fields else "—"), _one_line(what)]
    return "| " + " | ".join(cols) + " |"


def _alias_row(name: str, schema: dict[str, Any]) -> str:
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return f"| `{name}` | {_one_line(f'`{type_text(body)}`')} | {_one_line(schema.get('description', ''))} |"


def _table(header: str, rows: list[str]) -> str:
    return f"| {header} |\n|---|---|---|\n" + "\n".join(rows) + "\n"


def tables() -> dict[str, str]:
    """Each generated table of docs/protocol.md by marker name."""
    defs = protocol_schema()["$defs"]
    server = [_row(message_type(c), defs[c.__name__], "type") for c in SERVER_MESSAGE_CLASSES]
    read_only = "**Read-only sessions accept it.**"
    client = [
        _row(message_type(c), defs[c.__name__], "type", read_only if c.READ_ONLY else "")
        for c in CLIENT_MESSAGE_CLASSES
    ]
    messages = {c.__name__ for c in (*SERVER_MESSAGE_CLASSES, *CLIENT_MESSAGE_CLASSES)}
    declared = [c.__name__ for c in SHAPES] + ["Settings"]
    others = sorted(n for n, d in defs.items() if "properties" in d and n not in messages and n not in declared)
    shapes = [_row(name, defs[name], None) for name in declared + others]
    aliases = [_alias_row(name, defs[name]) for name in ALIASES]
    return {
        "server-messages": _table("type | fields | when", server),
        "client-messages": _table("type | fields | effect", client),
        "shapes": _table("shape | fields | meaning", shapes),
        "value-sets": _table("name | values | meaning", aliases),
    }


def render_docs(text: str) -> str:
    """``text`` (docs/protocol.md) with every generated table replaced by the definition's."""
    fresh = tables()
    missing = set(fresh) - {m.group("name") for m in _BLOCK.finditer(text)}
    if missing:
        raise ValueError(f"docs/protocol.md lacks the generated block(s): {', '.join(sorted(missing))}")
    return _BLOCK.sub(lambda m: m.group(1) + fresh[m.group("name")] + m.group(3), text)
