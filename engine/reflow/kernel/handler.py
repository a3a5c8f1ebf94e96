"""The ``reflow`` comm: reactive operations in, cell events out.

Incoming ``data`` dicts use the UI protocol's message types (run, set_mode,
run_stale, run_all, set_ui_value, …) plus ``open`` (the whole notebook, sent by
the app after start or restart) and ``apply_transaction``: every structural
change (create, delete, move, set code/kind/options) arrives as one transaction
of ``reflow.notebook.document``, applied to the host's own ``Document``; the
runtime is then told what changed among the code cells. The older single-change
ops (edit, create_cell, …) are translated into transactions. Every operation
is answered with ``{"type": "done", "seq", "op"}`` once it has finished, after
its events, so the app knows when a request is over.

One host per kernel: a second comm (the app reconnecting) takes over the first.
"""

from __future__ import annotations

import traceback
from typing import Any

from reflow.kernel import trace
from reflow.kernel.capture import cell_capture
from reflow.kernel.graphinfo import graph_message
from reflow.kernel.journal import Journal
from reflow.kernel.sink import CommSink
from reflow.notebook.document import (
    SOURCES,
    Create,
    Delete,
    Document,
    SetCode,
    SetOptions,
    Transaction,
    changes_from_json,
    diff,
)
from reflow.notebook.model import Cell, CellKind, Notebook
from reflow.notebook.sql_cells import runnable_source
from reflow.secret_mask import from_environment


class ReflowHost:
    """Owns the runtime for the kernel's namespace and serves comm operations."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.shell = kernel.shell
        self.comm: Any = None
        self.sink = CommSink(self.shell, self._send_now)
        self.journal = kernel.background.journal if hasattr(kernel, "background") else Journal()
        self.mask = from_environment()  # the notebook's secrets: masked in all it sends and journals
        self.runtime: Any = None
        self.doc = Document()  # every cell (code and markdown), changed only by transactions
        self._view_key: tuple[int, int] | None = None
        self._view: tuple[dict[str, str], list[str], set[str]] = ({}, [], set())
        self._graph_revision: int | None = None  # the runtime's graph_revision last sent
        self._graph_sent: dict[str, Any] | None = None  # the graph message last sent (None: send the next)
        from reflow.kernel.ui_bridge import register_frame_formatter

        register_frame_formatter(self.shell)  # data frames: paged tables (reflow.ui)

    # --- comm plumbing ------------------------------------------------------------
    def attach(self, comm: Any, open_msg: dict[str, Any]) -> None:
        self.comm = comm
        comm.on_msg(self._on_comm_msg)
        data = open_msg["content"].get("data") or {}
        if data.get("type"):
            self.dispatch(data)

    def _on_comm_msg(self, msg: dict[str, Any]) -> None:
        if trace.ENABLED:
            trace.received(msg)
        self.dispatch(msg["content"]["data"] or {})

    def send(self, msg: dict[str, Any]) -> None:
        """Send after the sink's buffered cell events, so the order is kept: in their batch, one comm message
        (an operation's ``done`` leaves with its last events; alone, ``msg`` is sent as itself)."""
        self.sink.flush_events(last=msg)

    def emit(self, msg: dict[str, Any]) -> None:
        """Queue ``msg`` behind the sink's buffered cell events: it leaves in their batch at the next flush.

        For what ends an operation (``ui_values``, ``variables``, ``ui_kept``): one comm message
        instead of one each, so a slider move costs the kernel, the app and the page fewer wake-ups.
        """
        self.sink._emit(msg)

    def _send_now(self, msg: dict[str, Any]) -> None:
        if self.comm is not None:  # journaled (background.py): numbered in the metadata, written off this path
            msg = self.mask.message(msg)
            self.comm.send(msg, metadata=self.journal.record(msg))

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
                # builtin_trap: library code calls get_ipython() from builtins (sympy's
                # init_printing, tqdm...) as during IPython's own execute_request
                with self.shell.builtin_trap, cell_capture(self.sink, self.shell):
                    handler(data)
        except KeyboardInterrupt:
            self.send({"type": "notice", "level": "warning", "text": "Interrupted."})
        except Exception as exc:  # report, never kill the kernel
            self.send({"type": "error", "text": f"kernel: {op} failed: {exc!r}\n{traceback.format_exc()}"})
        finally:
            from reflow.kernel.ui_bridge import send_kept_values

            send_kept_values(self)  # reflow.ui values the app keeps for the next open (ui_kept)
            done: dict[str, Any] = {"type": "done", "op": op, "seq": data.get("seq")}
            if trace.ENABLED and op == "run":  # benchmarks/run_trace.py: the kernel's hops of a run
                done["trace"] = trace.take()
            background = getattr(self.kernel, "background", None)
            if background is not None:
                background.work_over()  # before the app can see done: an app killed after it finds the kernel idle
            self.send(done)

    # --- operations -------------------------------------------------------------------
    def op_open(self, data: dict[str, Any]) -> None:
        from reflow.runtime import Runtime

        cells = [
            Cell(kind=c.get("kind", "code"), source=c.get("code", ""), id=c["id"], options=dict(c.get("options") or {}))
            for c in data.get("cells", [])
        ]
        self.doc = Document(Notebook(cells=cells))
        self._view_key = None
        self._graph_sent = None  # a new app (reopen, reattach) has no graph yet
        if data.get("path"):
            # Cells see __file__ as in `python nb.py`; persistent caches go beside the notebook.
            self.shell.user_ns["__file__"] = str(data["path"])
        self.runtime = Runtime(
            self.sink,
            namespace=self.shell.user_ns,
            mode=data.get("mode", "auto"),
            strict=data.get("strict") is True,  # [tool.reflow] strict: one definer per name
            shared_privates=data.get("shared_privates") is True,  # [tool.reflow] underscore_names
        )
        # Messages number cells as the editor's gutter does: markdown cells count too.
        self.runtime.cell_numbers.use(lambda: self.doc.ids)
        from reflow.kernel.ui_bridge import load_saved_values

        load_saved_values(data.get("ui_values"))  # reflow.ui values saved by the app: used when elements are made
        self.runtime.set_cells([(cid, self.code[cid]) for cid in self.order])
        for cid in self.disabled:
            self.runtime.set_disabled(cid, True)
        self.send_graph()
        if data.get("run"):
            self.runtime.run_all()
            self.after_run()

    def op_run(self, data: dict[str, Any]) -> None:
        code = self.code
        edits = [
            SetCode(c["id"], c["code"])
            for c in data["cells"]
            if c["id"] in code and "code" in c and c["code"] != code[c["id"]]
        ]
        # The edit's statuses, the graph, the run's events and the variables leave together (the sink's
        # batch; a run still going after its delay is shown running by then): one message for a quick
        # run instead of one per step, each of which cost the app and the page a wake-up and a render.
        self.sink.eager_running = False
        try:
            self._apply(Transaction(tuple(edits), "session"), notify=False)
            if trace.ENABLED:
                trace.stamp("k_applied")
            ids = [c["id"] for c in data["cells"] if c["id"] in code]  # markdown / unknown: nothing to run
            self.send_graph()
            if trace.ENABLED:
                trace.stamp("k_run_start")
            if ids:
                self.runtime.run_cells(ids)
            if trace.ENABLED:
                trace.stamp("k_run_end")
            self.after_run()
        finally:
            self.sink.eager_running = True

    def op_apply_transaction(self, data: dict[str, Any]) -> None:
        """The one structural operation: the session's transaction, applied to the host's document."""
        source = data.get("source", "session")
        self._apply(changes_from_json(data.get("changes"), source if source in SOURCES else "session"))

    # Older single-change operations, kept for clients that still send them: each is a transaction.
    def op_edit(self, data: dict[str, Any]) -> None:
        cell = self.doc.get(data["id"])
        if cell is not None and data["code"] != cell.source:
            self._apply(Transaction((SetCode(cell.id, data["code"]),), "session"), notify=cell.kind == "code")

    def op_create_cell(self, data: dict[str, Any]) -> None:
        cid = data["id"]
        if cid in self.doc:
            return
        known = [i for i in data.get("order") or [] if i in self.doc or i == cid]
        index = known.index(cid) if cid in known else len(self.doc)
        kind: CellKind = "markdown" if data.get("kind") == "markdown" else "code"
        self._apply(
            Transaction((Create(cid, min(index, len(self.doc)), kind, data.get("code", "")),), "session"),
            notify=kind == "code",
        )

    def op_delete_cell(self, data: dict[str, Any]) -> None:
        if data["id"] in self.doc:
            self._apply(Transaction((Delete(data["id"]),), "session"))

    def op_move_cell(self, data: dict[str, Any]) -> None:
        order = [i for i in data.get("order", []) if i in self.doc]
        if sorted(order) == sorted(self.doc.ids):
            self._apply(diff(self.doc.cells, [self.doc.cell(i) for i in order], "session"))

    def op_set_options(self, data: dict[str, Any]) -> None:
        cid, options = data["id"], data.get("options") or {}
        if cid in self.doc and "disabled" in options:
            self._apply(Transaction((SetOptions(cid, {"disabled": True if options["disabled"] else None}),), "session"))

    def _apply(self, tx: Transaction, *, notify: bool = True) -> None:
        """Apply ``tx`` to the document, then bring the runtime in line with its code cells."""
        if not tx.changes:
            return
        old_code, old_order, old_disabled = dict(self.code), list(self.order), set(self.disabled)
        self.doc.apply(tx)  # DocumentError: reported by dispatch, nothing changed
        code, order, disabled = self.code, self.order, self.disabled
        removed = [cid for cid in old_code if cid not in code]
        for cid in removed:
            self.runtime.delete_cell(cid)
        edited = [cid for cid in order if old_code.get(cid) != code[cid]]
        for cid in edited:
            self.runtime.edit_cell(cid, code[cid])
        reordered = order != [cid for cid in old_order if cid in code]
        if reordered:
            self.runtime.set_order(order)
        toggled = (disabled ^ old_disabled) & set(code)
        for cid in order:
            if cid in toggled:
                self.runtime.set_disabled(cid, cid in disabled)
        if notify and (removed or edited or reordered or toggled):  # markdown-only: the runtime saw nothing
            self.send_graph()
            if removed or toggled:
                self.send_variables()

    # --- the document's code cells, as the runtime sees them ----------------------------
    def _code_view(self) -> tuple[dict[str, str], list[str], set[str]]:
        """(id -> code, display order, disabled ids) of the code cells; cached per document version."""
        key = (id(self.doc), self.doc.version)
        if self._view_key != key:
            cells = [c for c in self.doc.cells if c.kind == "code"]
            self._view = (
                {c.id: runnable_source(c.source, c.options) for c in cells},  # SQL cells: their duckdb call
                [c.id for c in cells],
                {c.id for c in cells if c.options.get("disabled")},
            )
            self._view_key = key
        return self._view

    @property
    def code(self) -> dict[str, str]:
        """Code cells: id -> code."""
        return self._code_view()[0]

    @property
    def order(self) -> list[str]:
        """Code cells in display order."""
        return self._code_view()[1]

    @property
    def disabled(self) -> set[str]:
        return self._code_view()[2]

    def op_set_mode(self, data: dict[str, Any]) -> None:
        self.runtime.set_mode(data["mode"])

    def op_set_path(self, data: dict[str, Any]) -> None:
        """Save As moved the notebook: cells see the new ``__file__``; persistent caches go beside it."""
        path = data.get("path")
        if isinstance(path, str) and path:
            self.shell.user_ns["__file__"] = path

    def op_run_stale(self, data: dict[str, Any]) -> None:
        self.runtime.run_stale()
        self.after_run()

    def op_run_all(self, data: dict[str, Any]) -> None:
        self.runtime.run_all()
        self.after_run()

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
        self.send(
            {
                "type": "notice",
                "level": "info",
                "text": f"Cleared {what} cache ({removed} saved result{'s' if removed != 1 else ''}).",
            }
        )

    def op_table_page(self, data: dict[str, Any]) -> None:
        """One page of a table / data frame output: ``table_page_reply``."""
        from reflow.kernel.ui_bridge import table_page

        self.send(table_page(data))

    # --- derived state ---------------------------------------------------------------
    def send_graph(self) -> None:
        """The graph, queued behind the cell events; not again when it is what the app has already
        (an edit that changes no name, the common case: the app and every page keep the last one)."""
        self._graph_revision = self.runtime.graph_revision
        msg = graph_message(self.runtime.graph, self.order, self.code, self.runtime.cell_numbers)
        if msg != self._graph_sent:
            self._graph_sent = msg
            self.emit(msg)

    def after_run(self) -> None:
        """After cells ran: the graph again if the run changed it (star-imported names
        learned), then the variables panel."""
        if self.runtime.graph_revision != self._graph_revision:
            self.send_graph()
        self.send_variables()

    def send_variables(self) -> None:
        """The variables panel: every defined global with its defining and using cells."""
        items = [
            {
                "name": v.name,
                "type": v.type_name,
                "preview": v.repr,
                "defined_by": v.defined_by,
                "used_by": list(v.used_by),
            }
            for v in self.runtime.variables()
        ]
        self.emit({"type": "variables", "items": items})  # leaves with the operation's last batch
