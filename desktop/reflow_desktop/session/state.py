"""What the session remembers about each cell beyond its code: status, outputs, graph.

This cache is what makes a reconnect resume: the ``session`` message is built
from it. It is one step of the kernel event pipeline (``session/events.py``),
fed single events (batches are unfolded before). ``status`` is always the
kernel's; ``restored`` marks outputs restored from the sidecar that are still
right for the code, which the page shows as up to date until the cell's first
real event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reflow.notebook import Cell
from reflow_desktop.session.events import hides_restored_stale
from reflow_desktop.session.output_cap import OutputCap, within_caps


@dataclass
class CellRuntimeState:
    status: str = "idle"
    outputs: list[dict[str, Any]] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    inputs: dict[str, list[str]] = field(default_factory=dict)  # name read -> the cells it comes from
    hints: list[str] = field(default_factory=list)  # names a possibly mutating method is called on
    cached_seconds: float | None = None  # persistent_cache restores since the last cell_clear
    run_seconds: float | None = None  # how long the last finished run took (the kernel's measure)
    restored: bool = False  # outputs from the sidecar, current for the code (shown as idle)
    cap: OutputCap = field(default_factory=OutputCap)  # head + tail kept, the middle dropped (output_cap.py)

    @property
    def shown_status(self) -> str:
        """What the page shows: restored, current outputs stay "idle" while the kernel says stale."""
        return "idle" if self.restored and self.status == "stale" else self.status


class CellCache:
    """Per-cell runtime state keyed by cell id, fed by kernel events."""

    def __init__(self) -> None:
        self.cells: dict[str, CellRuntimeState] = {}
        self.order_valid = True
        self.variables: dict[str, Any] | None = None
        self.opening = False  # the kernel's open is in progress (its blanket stale is expected)

    def get(self, cell_id: str) -> CellRuntimeState:
        st = self.cells.get(cell_id)
        if st is None:
            st = self.cells[cell_id] = CellRuntimeState()
        return st

    def forget(self, cell_id: str) -> None:
        self.cells.pop(cell_id, None)

    def clear_outputs(self) -> None:
        for st in self.cells.values():
            st.outputs, st.cap = [], OutputCap()
            st.status = "idle"
            st.cached_seconds = st.run_seconds = None
            st.restored = False

    def keep_as_stale(self) -> None:
        """A new kernel has run nothing yet (environment changed): outputs stay, shown stale until replaced."""
        for st in self.cells.values():
            if st.status != "disabled":
                st.status = "stale"
            st.restored = False  # the kernel's own "stale" must reach the page too

    def restore(self, cell_id: str, status: str, outputs: list[dict[str, Any]]) -> None:
        """Outputs from the sidecar; ``idle`` ones are current for the code (flagged ``restored``)."""
        st = self.get(cell_id)
        st.outputs, st.status, st.restored, st.cap = list(outputs), status, status == "idle", OutputCap()
        if not within_caps(outputs):  # a sidecar from elsewhere is bounded like live output
            st.outputs = []
            for out in outputs:
                st.cap.append(st.outputs, out)
        self.opening = self.opening or st.restored

    def apply(self, event: dict[str, Any]) -> bool:
        """Fold one kernel event into the cache; False when the page need not see it.

        Only the opening kernel's ``stale`` of a restored, current cell is kept from
        the page (recorded here all the same); a ``done`` ends the opening.
        """
        etype = event.get("type")
        if etype == "done":
            self.opening = False  # the first operation answered is the open
            return True
        if etype == "ui_values":  # reflow.ui: a reconnecting page sees the current values
            _patch_ui_values(self.cells.values(), event.get("values") or {})
            return True
        if etype == "ui_kept":  # reflow.ui values kept for the next open: the sidecar's, not the pages'
            return False
        if etype == "cell_status":
            st = self.get(event["id"])
            hidden = hides_restored_stale(event, st.restored, self.opening)
            st.status = event["status"]
            st.restored = st.restored and hidden
            if isinstance(event.get("seconds"), (int, float)):
                st.run_seconds = float(event["seconds"])
            return not hidden
        if etype == "cell_clear":
            st = self.get(event["id"])
            st.outputs, st.cached_seconds, st.restored, st.cap = [], None, False, OutputCap()
        elif etype == "cell_cached":  # a reconnect still shows "restored from cache"
            st = self.get(event["id"])
            st.cached_seconds = (st.cached_seconds or 0.0) + float(event.get("saved_seconds") or 0.0)
        elif etype == "cell_output":
            st = self.get(event["id"])
            st.restored = False
            st.cap.append(st.outputs, event["output"])  # bounded: head and tail, the middle counted
        elif etype == "graph":
            self.order_valid = bool(event.get("order_valid", True))
            for cid, info in (event.get("cells") or {}).items():
                st = self.get(cid)
                st.defs, st.refs = info.get("defs", []), info.get("refs", [])
                st.parents, st.children = info.get("parents", []), info.get("children", [])
                st.errors = info.get("errors", [])
                st.inputs, st.hints = info.get("inputs", {}), info.get("hints", [])
        elif etype == "variables":
            self.variables = event
        return True

    def cell_state(self, cell: Cell) -> dict[str, Any]:
        """The cell as the protocol's ``CellState`` (reflow_desktop.protocol.shapes), a JSON-ready dict."""
        st = self.get(cell.id)
        state = self._state(cell, st)
        if st.cached_seconds is not None:
            state["cached_seconds"] = st.cached_seconds
        if st.run_seconds is not None:
            state["run_seconds"] = st.run_seconds
        return state

    @staticmethod
    def _state(cell: Cell, st: CellRuntimeState) -> dict[str, Any]:
        return {
            "id": cell.id,
            "kind": cell.kind,
            "code": cell.source,
            "options": dict(cell.options),
            "status": st.shown_status if cell.kind == "code" else "idle",
            "outputs": list(st.outputs),
            "defs": list(st.defs),
            "refs": list(st.refs),
            "parents": list(st.parents),
            "children": list(st.children),
            "errors": list(st.errors),
            "inputs": dict(st.inputs),
            "hints": list(st.hints),
        }


# --- reflow.ui -------------------------------------------------------------------------
_UI_MIME = "application/vnd.reflow.ui+json"


def _patch_ui_values(cells: Any, values: dict[str, Any]) -> None:
    """Write element values the user set into the cached outputs that show them."""
    if not values:
        return

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("element_id") in values and "kind" in node and "value" in node:
                node["value"] = values[node["element_id"]]
            for v in node.values():
                if isinstance(v, (dict, list)):
                    visit(v)
        elif isinstance(node, list):
            for v in node:
                if isinstance(v, (dict, list)):
                    visit(v)

    for st in cells:
        for out in st.outputs:
            data = out.get("data") if isinstance(out, dict) else None
            if isinstance(data, dict) and any(k.startswith("application/vnd.reflow.") for k in data):
                visit(data)
