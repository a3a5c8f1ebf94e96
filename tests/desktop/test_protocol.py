"""The protocol is defined once (reflow_desktop.protocol): the schema, the docs tables and the
generated TypeScript agree with it, the server validates what a UI sends against it, and what
the server and the engine send fits it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest

from reflow_desktop import protocol as P
from reflow_desktop.protocol import build, client, server
from reflow_desktop.protocol.docs import render_docs
from reflow_desktop.protocol.generate import DOCS_PATH, ROOT, SCHEMA_PATH
from reflow_desktop.protocol.generate import main as generate_main
from reflow_desktop.protocol.schema import protocol_schema, schema_text
from reflow_desktop.sidecar.history import CellHistoryView, ShownEntry
from reflow_desktop.sidecar.history_recorder import history_message

UI = ROOT / "ui"


def _all_subclasses(cls: type) -> set[type]:
    out: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        out |= {sub, *_all_subclasses(sub)}
    return out


# --- one definition, derived files in step ------------------------------------------------
def test_schema_file_is_what_the_definition_gives() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "docs/protocol.schema.json is stale: run `cd ui && npm run gen:protocol`"


def test_docs_tables_are_what_the_definition_gives() -> None:
    text = DOCS_PATH.read_text(encoding="utf-8")
    assert render_docs(text) == text, "docs/protocol.md's tables are stale: run `cd ui && npm run gen:protocol`"
    assert generate_main(["--check"]) == 0


def test_docs_tables_name_every_message_and_field() -> None:
    text = DOCS_PATH.read_text(encoding="utf-8")
    defs = protocol_schema()["$defs"]
    for classes in (P.SERVER_MESSAGE_CLASSES, P.CLIENT_MESSAGE_CLASSES):
        for cls in classes:
            row = next((line for line in text.splitlines() if line.startswith(f"| `{P.message_type(cls)}` |")), None)
            assert row is not None, f"docs/protocol.md has no row for {P.message_type(cls)}"
            for field in defs[cls.__name__]["properties"]:
                if field != "type":
                    assert f"{field}" in row, (cls.__name__, field)


def test_render_docs_refuses_a_document_without_its_tables() -> None:
    with pytest.raises(ValueError, match="server-messages"):
        render_docs("# protocol\n")


def test_render_docs_replaces_a_hand_edited_table() -> None:
    text = DOCS_PATH.read_text(encoding="utf-8")
    edited = text.replace("| `kernel` |", "| `kernel_state` |", 1)
    assert edited != text
    assert render_docs(edited) == text


def test_generated_typescript_is_what_the_generator_gives() -> None:
    assert shutil.which("node"), "node is needed to build the UI (./dev setup)"
    assert (UI / "node_modules" / "json-schema-to-typescript").is_dir(), \
        "ui/node_modules lacks json-schema-to-typescript: run ./dev setup"
    done = subprocess.run(["node", "scripts/gen-protocol.mjs", "--check"], cwd=UI, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_generated_typescript_declares_every_message_and_constant() -> None:
    ts = (UI / "src" / "protocol.generated.ts").read_text(encoding="utf-8")
    for cls in (*P.SERVER_MESSAGE_CLASSES, *P.CLIENT_MESSAGE_CLASSES):
        assert f"export interface {cls.__name__} {{" in ts
        assert f'type: "{P.message_type(cls)}";' in ts
    assert f"export const PROTOCOL_VERSION = {P.PROTOCOL_VERSION} as const;" in ts


def test_every_message_class_is_listed() -> None:
    assert _all_subclasses(server.ServerMsg) == set(P.SERVER_MESSAGE_CLASSES)
    assert _all_subclasses(client.ClientMsg) == set(P.CLIENT_MESSAGE_CLASSES)
    types = [P.message_type(c) for c in (*P.SERVER_MESSAGE_CLASSES, *P.CLIENT_MESSAGE_CLASSES)]
    assert len(set(P.SERVER_MESSAGES)) == len(P.SERVER_MESSAGE_CLASSES)
    assert len(set(P.CLIENT_MESSAGES)) == len(P.CLIENT_MESSAGE_CLASSES)
    assert "error" in types and "run" in types


def test_read_only_sessions_accept_what_they_did() -> None:
    assert P.READ_ONLY_ALLOWED == {"set_ui_value", "interrupt", "run_stale", "run_all", "complete", "inspect",
                                   "table_page", "packages_get", "settings_get", "settings_set", "resync",
                                   "trust",  # "Trust and run" changes no code
                                   "widget_comm_msg",  # a Jupyter widget moved in the app view, like set_ui_value
                                   "history_get",  # reading a cell's output history changes nothing
                                   "secret_answer",  # the app view asks for a secret: no code changes
                                   "lsp_request"}  # language server answers; its rename is refused when read-only


def test_settings_in_the_schema_are_the_declared_ones() -> None:
    from reflow_desktop.settings import DECLARATIONS

    doc = protocol_schema()
    declared = doc["x-reflow-constants"]["SETTINGS"]
    assert list(declared) == [d.name for d in DECLARATIONS]
    assert all(declared[d.name]["default"] == d.default == d.choices[0] for d in DECLARATIONS)
    props = doc["$defs"]["Settings"]["properties"]
    assert sorted(props["theme"]["enum"]) == sorted(declared["theme"]["choices"])
    assert doc["$defs"]["Settings"]["required"] == list(declared)


# --- validation of what a UI sends --------------------------------------------------------
VALID: list[dict[str, Any]] = [
    {"type": "widget_comm_msg", "comm_id": "c1", "data": {"method": "update", "state": {"value": 3}},
     "request_id": "r1"},
    {"type": "run", "cells": [{"id": "a", "code": "x = 1"}, {"id": "b"}]},
    {"type": "edit", "id": "a", "code": "x = 2"},
    {"type": "create_cell", "id": "n", "index": 0, "kind": "markdown", "code": "# hi"},
    {"type": "delete_cell", "id": "a"},
    {"type": "move_cell", "id": "a", "index": 3},
    {"type": "set_options", "id": "a", "options": {"hide_code": True}},
    {"type": "set_kind", "id": "a", "kind": "markdown"},
    {"type": "transaction", "changes": [{"op": "create", "id": "n", "index": 0, "kind": "code", "code": "x = 1"},
                                        {"op": "move", "id": "a", "index": 1}, {"op": "delete", "id": "b"},
                                        {"op": "set_code", "id": "a", "code": ""},
                                        {"op": "set_kind", "id": "a", "kind": "code"},
                                        {"op": "set_options", "id": "a", "options": {"hide_code": None}}]},
    {"type": "resync"},
    {"type": "set_mode", "mode": "lazy"},
    {"type": "run_stale"}, {"type": "run_all"}, {"type": "interrupt"}, {"type": "restart"}, {"type": "save"},
    {"type": "format_cells"}, {"type": "format_cells", "ids": ["a"]},
    {"type": "complete", "request_id": "r1", "id": "a", "code": "im", "cursor": 2},
    {"type": "inspect", "request_id": "r2", "id": "a", "code": "len", "cursor": 3},
    {"type": "set_ui_value", "element_id": "a-0", "value": 5, "request_id": "u1",
     "updates": [{"element_id": "a-1", "value": [1, 2]}]},
    {"type": "table_page", "request_id": "t", "element_id": "a-0", "page": 1,
     "sort": {"column": "x", "descending": True}, "page_size": 20},
    {"type": "table_page", "request_id": "t", "element_id": "a-0", "page": 0, "sort": None},
    {"type": "clear_cache"}, {"type": "clear_cache", "id": "a"}, {"type": "clear_cache", "id": None},
    {"type": "settings_get"}, {"type": "settings_set", "changes": {"theme": "dark"}},
    {"type": "set_notebook_config", "output": "above"}, {"type": "set_notebook_config", "runtime": "lazy"},
    {"type": "packages_get"}, {"type": "package_add", "requirement": "pyyaml", "rerun": ["a"]},
    {"type": "package_remove", "name": "pyyaml"}, {"type": "packages_lock"}, {"type": "env_rebuild"},
    {"type": "trust"},
    {"type": "run_on", "place": "ssh:gpu-box"}, {"type": "run_on", "place": "local"}, {"type": "places_get"},
    {"type": "reattach_kernel"}, {"type": "stop_background_kernel"},
    {"type": "lsp_request", "request_id": "r1", "op": "hover", "id": "a", "line": 0, "character": 3},
    {"type": "lsp_request", "request_id": "r2", "op": "rename", "id": "a", "new_name": "y", "code": "x = 1"},
    {"type": "secret_answer", "values": {"OPENAI_API_KEY": "sk-1"}}, {"type": "secret_answer", "values": {}},
    {"type": "history_get", "request_id": "r1", "id": "a"},
]


def test_every_client_message_has_a_valid_example() -> None:
    assert {m["type"] for m in VALID} == P.CLIENT_MESSAGES


@pytest.mark.parametrize("msg", VALID, ids=lambda m: m["type"])
def test_valid_messages_pass_unchanged(msg: dict[str, Any]) -> None:
    assert P.validate_client_message(msg) is msg
    assert P.message_type(type(P.decode_client_message(msg))) == msg["type"]


def test_extra_fields_are_kept_for_the_handler() -> None:
    msg = {"type": "create_cell", "id": "n", "index": 0, "kind": "code", "code": "", "options": {"a": 1}}
    assert P.validate_client_message(msg)["options"] == {"a": 1}


@pytest.mark.parametrize(("msg", "says"), [
    ([1, 2], "JSON object"),
    ({"kind": "run"}, "unknown message type"),
    ({"type": "explode"}, "unknown message type: 'explode'"),
    ({"type": 3}, "unknown message type"),
    ({"type": "edit", "id": "a"}, "edit: Object missing required field `code`"),
    ({"type": "run", "cells": "a"}, "run: Expected `array`"),
    ({"type": "run", "cells": [{"code": "x"}]}, "missing required field `id`"),
    ({"type": "set_mode", "mode": "eager"}, "set_mode: Invalid enum value 'eager'"),
    ({"type": "create_cell", "id": "n", "index": 0, "kind": "raw", "code": ""}, "create_cell: Invalid enum"),
    ({"type": "create_cell", "id": "n", "index": "0", "kind": "code", "code": ""}, "Expected `int`"),
    ({"type": "package_add", "requirement": "   "}, "package_add"),
    ({"type": "package_remove", "name": ""}, "package_remove"),
    ({"type": "run_on", "place": " "}, "run_on"),
    ({"type": "set_notebook_config", "output": "left"}, "set_notebook_config: Invalid enum"),
    ({"type": "set_notebook_config", "runtime": "eager"}, "set_notebook_config: Invalid enum"),
    ({"type": "settings_set", "changes": ["theme"]}, "settings_set: Expected `object`"),
    ({"type": "clear_cache", "id": 5}, "clear_cache: Expected `str | null`"),
    ({"type": "complete", "request_id": 7, "id": "a", "code": "", "cursor": 0}, "Expected `str`"),
    ({"type": "table_page", "request_id": "t", "element_id": "e", "page": 0, "sort": {"column": "x"}},
     "descending"),
])
def test_bad_messages_are_refused_with_a_reason(msg: object, says: str) -> None:
    with pytest.raises(P.ProtocolError, match=None) as info:
        P.validate_client_message(msg)
    assert says in str(info.value)


# --- what the server and the engine send fits the definition ------------------------------
def _fits(msg: dict[str, Any]) -> None:
    """Raises unless ``msg`` is a valid server message (through JSON, as the UI gets it)."""
    msgspec.json.decode(json.dumps(msg).encode(), type=server.ServerMessage)


def test_constructors_build_declared_messages() -> None:
    cell = {"id": "a", "kind": "code", "code": "x = 1", "options": {}, "status": "idle",
            "outputs": [{"kind": "stream", "name": "stdout", "text": "hi\n"},
                        {"kind": "data", "data": {"text/plain": "1"}},
                        {"kind": "error", "error": {"kind": "exception", "message": "boom", "cells": [],
                                                    "traceback": None, "ename": "ValueError"}}],
            "defs": ["x"], "refs": [], "parents": [], "children": [], "errors": [], "cached_seconds": 1.5}
    built = [
        build.session_msg(session="s", path="/nb.py", name="nb.py", mode="auto", read_only=False, cells=[cell],
                          kernel={"state": "idle"}, config={"autosave_delay": 1.0, "order_valid": True}),
        build.kernel_msg("dead", "gone"), build.kernel_msg("idle"), build.cells_msg([cell]),
        build.cells_msg([cell], doc_version=3),
        build.transaction_applied_msg(4, "ui", [{"op": "set_kind", "id": "a", "kind": "markdown"}], mine=True),
        build.transaction_applied_msg(5, "file", [{"op": "create", "id": "b", "index": 0, "kind": "code",
                                                   "code": "", "options": {}}]),
        build.saved_msg("/nb.py", 1.0), build.notice_msg("warning", "hm"), build.env_progress_msg("Resolved"),
        build.packages_msg(dependencies=["pyyaml"], requires_python=">=3.11", locked=False,
                           env={"state": "ready", "path": "/env", "python": "3.11"}),
        build.error_msg("no"), build.complete_reply_msg("r", ["os"], 0, 2), build.inspect_reply_msg("r", True, "doc"),
        build.settings_msg({"theme": "dark", "runtime_mode": "auto", "output_position": "below",
                            "keymap": "vim", "font_size": 13}),
        build.trust_msg({"status": "changed", "held": ["a"], "packages": ["pyyaml"]}),
        build.place_msg("ssh:gpu-box", "on gpu-box", ["ssh:gpu-box", "ssh:lab"]),
        build.background_kernel_msg(4242), build.background_kernel_msg(None),
        build.lsp_reply_msg("r", "hover", text="**x**"), build.lsp_reply_msg("r", "rename", ok=False, message="no"),
        build.lsp_reply_msg("r", "definition", locations=[{"id": "a", "line": 0, "character": 0, "end_line": 0,
                                                            "end_character": 1}]),
        build.lsp_diagnostics_msg({"a": [{"line": 0, "character": 4, "end_line": 0, "end_character": 5,
                                          "severity": "error", "message": "Undefined name `y`", "source": "ruff"}]}),
        build.secret_request_msg(["OPENAI_API_KEY"], "SecretService Keyring"), build.secret_request_msg([], ""),
        history_message("r", "a", CellHistoryView([ShownEntry("k" * 64, "x = 1", "2026-12-03T12:00:00Z",
                                                              [{"kind": "stream", "name": "stdout", "text": "1"}])],
                                                  ["1 earlier output could not be read"])),
        build.session_msg(session="s", path="/nb.py", name="nb.py", mode="lazy", read_only=False, cells=[cell],
                          kernel={"state": "dead"}, config={}, trust={"status": "untrusted", "held": [],
                                                                      "packages": []}),
    ]
    assert {m["type"] for m in built} == {P.message_type(c) for c in P.SERVER_MESSAGE_CLASSES} - {
        "cell_status", "cell_clear", "cell_output", "cell_cached", "graph", "variables", "ui_values",
        "table_page_reply", "batch",   # the kernel's events, checked below
        "cell_progress",  # reflow.cluster's, checked on a real kernel's events in tests/engine/cluster
        "widget_comm", "widget_comm_idle"}  # relayed by session/widget_comms.py, checked here:
    built += [
        {"type": "widget_comm", "op": "open", "comm_id": "c1", "target_name": "jupyter.widget", "metadata": {},
         "data": {"state": {"value": 3}, "buffer_paths": []}, "buffers": ["AAE="]},
        {"type": "widget_comm", "op": "msg", "comm_id": "c1", "data": {"method": "update"}, "parent": "r1"},
        {"type": "widget_comm", "op": "close", "comm_id": "c1", "data": {}},
        {"type": "widget_comm_idle", "request_id": "r1"},
    ]
    for msg in built:
        _fits(msg)
    assert "message" not in build.kernel_msg("idle")


def test_a_message_that_breaks_its_declaration_does_not_fit() -> None:
    with pytest.raises(msgspec.ValidationError):
        _fits({"type": "kernel", "state": "sleeping"})
    with pytest.raises(msgspec.ValidationError):
        _fits({"type": "settings", "values": {"theme": "neon"}})


def test_engine_events_fit(tmp_path: Path) -> None:
    """The kernel's own shapes (graph, errors, table replies, batches) are the declared ones."""
    from reflow.analysis import analyze_cell
    from reflow.graph import DataflowGraph
    from reflow.kernel.formatting import error_dict
    from reflow.kernel.graphinfo import graph_message
    from reflow.kernel.ui_bridge import table_page
    from reflow.runtime.types import CellError

    code = {"a": "x = 1", "b": "y = x + 1", "c": "from os import *", "d": "def (:"}
    graph = DataflowGraph()
    for cid, text in code.items():
        graph.set_cell(cid, analyze_cell(text))
    events = [
        graph_message(graph, list(code), code),
        {"type": "cell_output", "id": "b", "output": {"kind": "error", "error": error_dict(
            CellError("ancestor-error", "a failed", cells=("a",)))}},
        table_page({"request_id": "t1", "element_id": "gone-0", "page": 0}),
    ]
    events.append({"type": "batch", "events": events[:2]})
    for event in events:
        _fits(event)
    assert events[0]["cells"]["d"]["errors"][0]["kind"] == "syntax"
