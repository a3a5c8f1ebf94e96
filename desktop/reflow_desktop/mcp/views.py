"""What an agent reads of a live notebook: cells, graph, outputs, errors and variables, bounded.

Pure functions over the session's protocol-shaped cell states (``CellCache.cell_state``): the
agent sees what the page sees. Texts are cut to a size a model can take (the cut is said), ANSI
colour codes are dropped, and images become MCP image content instead of base64 inside JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mcp.types import ContentBlock, ImageContent, TextContent

MAX_TEXT = 20_000  # characters of one cell's output text (or one traceback) an agent is given
LISTED_TEXT = 2_000  # ... in a listing of many cells (read_cells); get_outputs gives the rest
MAX_IMAGES = 8  # images in one answer
MAX_IMAGE_B64 = 8 * 1024 * 1024  # bytes of base64 of one image
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

CellState = dict[str, Any]


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` without ANSI codes, at most ``limit`` characters (the cut says how much went)."""
    text = _ANSI.sub("", text)
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters not shown]"


def cell_summary(state: CellState, *, code: bool = True, limit: int = MAX_TEXT) -> dict[str, Any]:
    """One cell as an agent lists it: id, kind, status, code, graph and the text of its outputs (``limit``)."""
    out: dict[str, Any] = {"id": state["id"], "kind": state["kind"], "status": state["status"]}
    if code:
        out["code"] = state["code"]
    out.update(graph_entry(state))
    if state.get("errors"):
        out["static_errors"] = [error_text(e) for e in state["errors"]]
    texts = [t for t in (output_text(o) for o in state.get("outputs") or []) if t]
    if texts:
        out["output"] = cut(joined(texts), limit)
    return out


def joined(texts: list[str]) -> str:
    """Output texts one after the other, each starting on its own line."""
    return "".join(t if i == 0 or texts[i - 1].endswith("\n") else "\n" + t for i, t in enumerate(texts))


def graph_entry(state: CellState) -> dict[str, Any]:
    """The cell's place in the dataflow graph: what it defines and reads, its parents and children."""
    return {k: list(state.get(k) or []) for k in ("defs", "refs", "parents", "children")}


def error_text(error: object) -> str:
    """A cell error (runtime or static) as one readable block."""
    if not isinstance(error, dict):
        return str(error)
    head = f"{error.get('ename') or error.get('kind') or 'error'}: {error.get('message', '')}"
    if isinstance(error.get("lineno"), int):
        head += f" (line {error['lineno']})"
    tb = error.get("traceback")
    return cut(f"{head}\n{tb}" if isinstance(tb, str) and tb else head)


def output_text(output: object) -> str:
    """The text of one output: printed text, a result's plain text, an error; images are named only."""
    if not isinstance(output, dict):
        return ""
    kind = output.get("kind")
    if kind == "stream":
        return str(output.get("text", ""))
    if kind == "error":
        return error_text(output.get("error"))
    data = output.get("data")
    if kind != "data" or not isinstance(data, dict):
        return ""
    for mime in ("text/plain", "text/markdown", "text/latex"):
        if isinstance(data.get(mime), str):
            return str(data[mime])
    shown = [m for m in data if isinstance(m, str)]
    return f"[output of type {', '.join(shown[:4])}]" if shown else ""


def image_blocks(states: Iterable[CellState]) -> list[ContentBlock]:
    """MCP content for the images among the outputs of ``states``, each after a line naming its cell.

    Their text is in the answer's JSON already (``cell_summary``), so only images are added here.
    """
    blocks: list[ContentBlock] = []
    for state in states:
        for output in state.get("outputs") or []:
            image = _image(output)
            if image is None:
                continue
            if len(blocks) >= 2 * MAX_IMAGES:
                blocks.append(TextContent(type="text", text=f"[more images not sent: at most {MAX_IMAGES}]"))
                return blocks
            blocks.append(TextContent(type="text", text=f"image from cell {state['id']}:"))
            blocks.append(ImageContent(type="image", data=image[1], mime_type=image[0]))
    return blocks


def _image(output: object) -> tuple[str, str] | None:
    """(mime type, base64 data) of an image output small enough to send."""
    if not isinstance(output, dict) or output.get("kind") != "data" or not isinstance(output.get("data"), dict):
        return None
    data = output["data"]
    for mime in IMAGE_TYPES:
        value = data.get(mime)
        if isinstance(value, str) and 0 < len(value) <= MAX_IMAGE_B64:
            return mime, value.replace("\n", "")
    return None


def variables_view(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The notebook's globals as the variables panel shows them (name, type, preview, defining cell)."""
    if not message:
        return []
    items = message.get("items") or []
    return [
        {
            "name": str(v.get("name")),
            "type": str(v.get("type")),
            "preview": cut(str(v.get("preview", "")), 2_000),
            "defined_by": v.get("defined_by"),
            "used_by": list(v.get("used_by") or []),
        }
        for v in items
        if isinstance(v, dict)
    ]
