"""The ``reflow`` comm: reactive operations in, cell events out.

Incoming ``data`` dicts use the UI protocol's message types (run, edit,
create_cell, delete_cell, move_cell, set_options, set_mode, run_stale, run_all,
set_ui_value) plus ``open`` (the whole notebook, sent by the app after start or
restart). Every operation is answered with ``{"type": "done", "seq", "op"}`` once
it has finished, after its events, so the app knows when a request is over.

One host per kernel: a second comm (the app reconnecting) takes over the first.
"""

from __future__ import annotations

import traceback
from typing import Any

from reflow.kernel.capture import cell_capture
from reflow.kernel.graphinfo import graph_message
from reflow.kernel.sink import CommSink


class ReflowHost:
    """Owns the runtime for the kernel's namespace and serves comm operations."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.shell = kernel.shell
        self.comm: Any = None
        self.sink = CommSink(self.shell, self._send_now)
        self.runtime: Any = None
        self.code: dict[str, str] = {}      # code cells: id -> code
        self.order: list[str] = []          # code cells in display order
        self.disabled: set[str] = set()
        from reflow.kernel.ui_bridge import register_frame_formatter

        register_frame_formatter(self.shell)   # data frames: paged tables (reflow.ui)

    # --- comm plumbing ------------------------------------------------------------
    def attach(self, comm: Any, open_msg: dict) -> None:
        self.comm = comm
        comm.on_msg(lambda msg: self.dispatch(msg["content"]["data"] or {}))
        data = open_msg["content"].get("data") or {}
        if data.get("type"):
            self.dispatch(data)

    def send(self, msg: dict[str, Any]) -> None:
        """Send after the sink's buffered cell events, so the order is kept."""
        self.sink.flush_events()
        self._send_now(msg)

    def _send_now(self, msg: dict[str, Any]) -> None:
        if self.comm is not None:
            self.comm.send(msg)

    def dispatch(self, data: dict[str, Any]) -> None:
        """Run one operation with prints/displays routed to cells; always answer ``done``."""
        op = data.get("type")
        handler = getattr(self, f"op_{op}", None) if isinstance(op, str) else None
        try:
            if handler is None:
                self.send({"type": "error", "text": f"kernel: unknown operation {op!r}"})
            elif op != "open" and self.runtime is None:
                self.send({"type": "error", "text": f"kernel: {op} before open"})
            else:
                with cell_capture(self.sink, self.shell):
                    handler(data)
        except KeyboardInterrupt:
            self.send({"type": "notice", "level": "warning", "text": "Interrupted."})
        except Exception as exc:  # noqa: BLE001 - report, never kill the kernel
            self.send({"type": "error", "text": f"kernel: {op} failed: {exc!r}\n"
                                               f"{traceback.format_exc()}"})
        finally:
            self.send({"type": "done", "op": op, "seq": data.get("seq")})

    # --- operations -------------------------------------------------------------------
    def op_open(self, data: dict[str, Any]) -> None:
        from reflow.runtime import Runtime

        cells = [c for c in data.get("cells", []) if c.get("kind", "code") == "code"]
        self.code = {c["id"]: c.get("code", "") for c in cells}
        self.order = [c["id"] for c in cells]
        self.disabled = {c["id"] for c in cells if (c.get("options") or {}).get("disabled")}
        if data.get("path"):
            # Cells see __file__ as in `python nb.py`; persistent caches go beside the notebook.
            self.shell.user_ns["__file__"] = str(data["path"])
        self.runtime = Runtime(self.sink, namespace=self.shell.user_ns,
                               mode=data.get("mode", "auto"))
        if data.get("ui_values"):  # reflow.ui values saved by the app: used when elements are made
            from reflow.ui._core import REGISTRY

            REGISTRY.restore(dict(data["ui_values"]))
        self.runtime.set_cells([(cid, self.code[cid]) for cid in self.order])
        for cid in self.disabled:
            self.runtime.set_disabled(cid, True)
        self.send_graph()
        if data.get("run"):
            self.runtime.run_all()
            self.send_variables()

    def op_run(self, data: dict[str, Any]) -> None:
        ids = []
        for c in data["cells"]:
            cid = c["id"]
            if cid not in self.code:
                continue  # markdown or unknown: nothing to run
            if "code" in c and c["code"] != self.code[cid]:
                self._set_code(cid, c["code"])
            ids.append(cid)
        self.send_graph()
        if ids:
            self.runtime.run_cells(ids)
        self.send_variables()

    def op_edit(self, data: dict[str, Any]) -> None:
        if data["id"] in self.code and data["code"] != self.code[data["id"]]:
            self._set_code(data["id"], data["code"])
            self.send_graph()

    def op_create_cell(self, data: dict[str, Any]) -> None:
        if data.get("kind", "code") != "code":
            return
        cid = data["id"]
        order = [i for i in data.get("order", []) if i in self.code or i == cid]
        self.code[cid] = data.get("code", "")
        self.order = order if cid in order else self.order + [cid]
        self.runtime.edit_cell(cid, self.code[cid])
        self.runtime.set_order(self.order)
        self.send_graph()

    def op_delete_cell(self, data: dict[str, Any]) -> None:
        cid = data["id"]
        if cid not in self.code:
            return
        del self.code[cid]
        self.order.remove(cid)
        self.disabled.discard(cid)
        self.runtime.delete_cell(cid)
        self.send_graph()
        self.send_variables()

    def op_move_cell(self, data: dict[str, Any]) -> None:
        order = [i for i in data.get("order", []) if i in self.code]
        if sorted(order) == sorted(self.order):
            self.order = order
            self.runtime.set_order(order)
            self.send_graph()

    def op_set_options(self, data: dict[str, Any]) -> None:
        cid, options = data["id"], data.get("options") or {}
        if cid in self.code and "disabled" in options:
            disabled = bool(options["disabled"])
            (self.disabled.add if disabled else self.disabled.discard)(cid)
            self.runtime.set_disabled(cid, disabled)
            self.send_variables()

    def op_set_mode(self, data: dict[str, Any]) -> None:
        self.runtime.set_mode(data["mode"])

    def op_run_stale(self, data: dict[str, Any]) -> None:
        self.runtime.run_stale()
        self.send_variables()

    def op_run_all(self, data: dict[str, Any]) -> None:
        self.runtime.run_all()
        self.send_variables()

    def op_set_ui_value(self, data: dict[str, Any]) -> None:
        """A widget moved: update the element(s), run the readers of the bound globals.

        ``{element_id, value}`` or ``{updates: [{element_id, value}]}``; only the last
        value per element is applied. Answers ``ui_values`` (the applied values, and
        the ``request_id`` if given) after the run, so the UI knows it may send again.
        """
        from reflow.kernel.ui_bridge import set_ui_values

        set_ui_values(self, data)

    def op_clear_cache(self, data: dict[str, Any]) -> None:
        """Empty the persistent caches of one cell (``id``) or of the whole notebook."""
        cell_id = data.get("id")
        removed = self.runtime.clear_cache(cell_id if isinstance(cell_id, str) else None)
        what = "this cell's" if cell_id else "the notebook's"
        self.send({"type": "notice", "level": "info",
                   "text": f"Cleared {what} cache ({removed} saved result{'s' if removed != 1 else ''})."})

    def op_table_page(self, data: dict[str, Any]) -> None:
        """One page of a table / data frame output: ``table_page_reply``."""
        from reflow.kernel.ui_bridge import table_page

        self.send(table_page(data))

    # --- derived state ---------------------------------------------------------------
    def _set_code(self, cid: str, code: str) -> None:
        self.code[cid] = code
        self.runtime.edit_cell(cid, code)

    def send_graph(self) -> None:
        self.send(graph_message(self.runtime.graph, self.order, self.code))

    def send_variables(self) -> None:
        """The variables panel: every defined global with its defining and using cells."""
        items = [{"name": v.name, "type": v.type_name, "preview": v.repr,
                  "defined_by": v.defined_by, "used_by": list(v.used_by)}
                 for v in self.runtime.variables()]
        self.send({"type": "variables", "items": items})
