"""The UI protocol (docs/protocol.md) on the Python side: one place for every message.

The UI (``ui/src/protocol.ts``) mirrors these shapes. Messages are plain dicts
(they go straight to ``json.dumps``); the TypedDicts document and type-check them,
and the small constructors keep the server from spelling message types by hand.
A breaking change bumps ``PROTOCOL_VERSION``.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

PROTOCOL_VERSION = 1

CellKind = Literal["code", "markdown"]
CellStatus = Literal[
    "idle", "queued", "running", "stale", "error", "ancestor-error",
    "interrupted", "disabled", "cancelled",
]
KernelStateName = Literal["starting", "idle", "busy", "dead", "restarting"]
MimeBundle = dict[str, Any]


class CellError(TypedDict):
    kind: str
    message: str
    traceback: NotRequired[str | None]
    ename: NotRequired[str | None]
    cells: list[str]


class Output(TypedDict, total=False):
    kind: Literal["data", "stream", "error"]
    data: MimeBundle
    name: Literal["stdout", "stderr"]
    text: str
    error: CellError


class CellState(TypedDict):
    id: str
    kind: CellKind
    code: str
    options: dict[str, Any]
    status: CellStatus
    outputs: list[Output]
    defs: list[str]
    refs: list[str]
    parents: list[str]
    children: list[str]
    errors: list[CellError]
    cached_seconds: NotRequired[float]   # restored from reflow.persistent_cache (saved seconds)


class GraphEntry(TypedDict):
    defs: list[str]
    refs: list[str]
    parents: list[str]
    children: list[str]
    errors: list[CellError]


# --- server -> UI ------------------------------------------------------------
SERVER_MESSAGES = frozenset({
    "session", "kernel", "cell_status", "cell_clear", "cell_output", "graph", "cells",
    "variables", "saved", "notice", "complete_reply", "inspect_reply", "error",
    "ui_values", "table_page_reply", "batch",   # reflow.ui (kernel events relayed as they are)
    "cell_cached", "settings",   # persistent_cache restores; user settings (Settings page)
    "env_progress", "packages",                 # environments / Packages panel
})

# --- UI -> server -------------------------------------------------------------
CLIENT_MESSAGES: dict[str, tuple[str, ...]] = {
    # type: required fields
    "run": ("cells",),
    "edit": ("id", "code"),
    "create_cell": ("id", "index", "kind", "code"),
    "delete_cell": ("id",),
    "move_cell": ("id", "index"),
    "set_options": ("id", "options"),
    "set_mode": ("mode",),
    "run_stale": (),
    "run_all": (),
    "interrupt": (),
    "restart": (),
    "save": (),
    "complete": ("request_id", "id", "code", "cursor"),
    "inspect": ("request_id", "id", "code", "cursor"),
    "set_ui_value": ("element_id", "value"),   # optional: request_id, updates
    "table_page": ("request_id", "element_id", "page"),   # optional: sort, page_size
    "clear_cache": (),             # optional: id (one cell's caches; absent = the notebook's)
    "settings_get": (),            # answered with `settings`
    "settings_set": ("changes",),  # answered with `settings`
    "set_notebook_config": (),     # optional: output ("above"|"below"), runtime ("auto"|"lazy")
    # Packages panel (answered with `packages`; uv's lines come as `env_progress`)
    "packages_get": (),
    "package_add": ("requirement",),   # optional: rerun (cell ids to run after the restart)
    "package_remove": ("name",),
    "packages_lock": (),
    "env_rebuild": (),
}

# Messages a read-only (``reflow run``) session accepts: nothing that changes code,
# structure or the file. Everything else is refused with an ``error``.
READ_ONLY_ALLOWED = frozenset({"set_ui_value", "interrupt", "run_stale", "run_all",
                               "complete", "inspect", "table_page", "packages_get"})

# User settings are not the notebook's: a read-only window may change them too.
READ_ONLY_ALLOWED = READ_ONLY_ALLOWED | {"settings_get", "settings_set"}

# Messages the kernel's comm understands (the session forwards these, plus ``open``).
KERNEL_OPS = frozenset({"open", "run", "edit", "create_cell", "delete_cell", "move_cell",
                        "set_options", "set_mode", "run_stale", "run_all", "set_ui_value",
                        "table_page"})


# The session forwards `clear_cache` to the kernel (Runtime.clear_cache).
KERNEL_OPS = KERNEL_OPS | {"clear_cache"}


class ProtocolError(ValueError):
    """A client message that is not part of the protocol (unknown type, missing field)."""


def validate_client_message(msg: object) -> dict[str, Any]:
    """Check a decoded UI message's type and required fields; return it as a dict."""
    if not isinstance(msg, dict):
        raise ProtocolError("message must be a JSON object")
    mtype = msg.get("type")
    if mtype not in CLIENT_MESSAGES:
        raise ProtocolError(f"unknown message type: {mtype!r}")
    missing = [f for f in CLIENT_MESSAGES[mtype] if f not in msg]
    if missing:
        raise ProtocolError(f"{mtype}: missing field(s) {', '.join(missing)}")
    if mtype == "run":
        cells = msg["cells"]
        if not isinstance(cells, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), str) for c in cells
        ):
            raise ProtocolError("run: cells must be a list of {id, code}")
    if mtype == "set_mode" and msg["mode"] not in ("auto", "lazy"):
        raise ProtocolError("set_mode: mode must be 'auto' or 'lazy'")
    if mtype == "package_add" and not (isinstance(msg["requirement"], str) and msg["requirement"].strip()):
        raise ProtocolError("package_add: requirement must be a non-empty string")
    if mtype == "package_remove" and not (isinstance(msg["name"], str) and msg["name"].strip()):
        raise ProtocolError("package_remove: name must be a non-empty string")
    if mtype == "set_notebook_config":
        if msg.get("output") not in (None, "above", "below"):
            raise ProtocolError("set_notebook_config: output must be 'above' or 'below'")
        if msg.get("runtime") not in (None, "auto", "lazy"):
            raise ProtocolError("set_notebook_config: runtime must be 'auto' or 'lazy'")
    if mtype == "settings_set" and not isinstance(msg["changes"], dict):
        raise ProtocolError("settings_set: changes must be an object")
    if mtype == "clear_cache" and not isinstance(msg.get("id", ""), (str, type(None))):
        raise ProtocolError("clear_cache: id must be a cell id")
    if mtype == "create_cell" and msg["kind"] not in ("code", "markdown"):
        raise ProtocolError("create_cell: kind must be 'code' or 'markdown'")
    return msg


# --- constructors (server -> UI) ---------------------------------------------
def session_msg(*, session: str, path: str, name: str, mode: str, read_only: bool,
                cells: list[CellState], kernel: dict[str, Any],
                config: dict[str, Any]) -> dict[str, Any]:
    return {"type": "session", "version": PROTOCOL_VERSION, "session": session, "path": path,
            "name": name, "mode": mode, "read_only": read_only, "cells": cells,
            "kernel": kernel, "config": config}


def kernel_msg(state: KernelStateName, message: str | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"type": "kernel", "state": state}
    if message:
        msg["message"] = message
    return msg


def cells_msg(cells: list[CellState]) -> dict[str, Any]:
    return {"type": "cells", "cells": cells}


def saved_msg(path: str, mtime: float) -> dict[str, Any]:
    return {"type": "saved", "path": path, "mtime": mtime}


def notice_msg(level: Literal["info", "warning", "error"], text: str) -> dict[str, Any]:
    return {"type": "notice", "level": level, "text": text}


def env_progress_msg(line: str) -> dict[str, Any]:
    """One line of uv's progress while the notebook's environment is prepared."""
    return {"type": "env_progress", "line": line}


class EnvInfo(TypedDict, total=False):
    state: Literal["building", "ready", "failed", "none"]   # none: environments are off
    path: str
    python: str
    message: str


def packages_msg(*, dependencies: list[str], requires_python: str | None, locked: bool,
                 env: EnvInfo | dict[str, Any]) -> dict[str, Any]:
    """The notebook's package list (PEP 723 block) and its environment's state."""
    return {"type": "packages", "dependencies": dependencies, "requires_python": requires_python,
            "locked": locked, "env": env}


def error_msg(text: str) -> dict[str, Any]:
    return {"type": "error", "text": text}


def complete_reply_msg(request_id: Any, matches: list[str], cursor_start: int,
                       cursor_end: int) -> dict[str, Any]:
    return {"type": "complete_reply", "request_id": request_id, "matches": matches,
            "cursor_start": cursor_start, "cursor_end": cursor_end}


def inspect_reply_msg(request_id: Any, found: bool, text: str) -> dict[str, Any]:
    return {"type": "inspect_reply", "request_id": request_id, "found": found, "text": text}


def settings_msg(values: dict[str, Any]) -> dict[str, Any]:
    """The user's settings (``reflow_desktop.settings``), answer to settings_get/settings_set."""
    return {"type": "settings", "values": values}
