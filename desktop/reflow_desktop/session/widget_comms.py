"""Jupyter widget comms (ipywidgets, anywidget, ipympl) relayed between the kernel and the pages.

The kernel's widget comms are ordinary Jupyter comms: their ``comm_open`` / ``comm_msg`` /
``comm_close`` arrive on iopub next to the ``reflow`` comm. They go to every page as
``widget_comm`` messages (binary buffers as base64); a page's ``widget_comm_msg`` goes to the
kernel as a shell ``comm_msg`` and is answered with ``widget_comm_idle`` once the kernel is idle
after it (the widget manager sends one update at a time, as Jupyter's does).

The relay also keeps the last state of every live model, so a page that connects later (a
reload, a second window) gets each model as a fresh ``open``, and the HTML export can render
the widgets statically (``state_document``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

JsonDict = dict[str, Any]
Broadcast = Callable[[JsonDict], None]

# Keep a page's flood of comm messages bounded (a model with megabytes of buffers is fine; a
# million models is not): beyond this, the oldest closed-or-not models are forgotten.
MAX_MODELS = 10_000
MAX_BUFFER_BYTES = 64 * 1024 * 1024


def encode_buffers(buffers: list[Any] | None) -> list[str]:
    """ZMQ frames (bytes / memoryview) -> base64 text for the JSON protocol."""
    return [base64.b64encode(bytes(b)).decode("ascii") for b in buffers or []]


def decode_buffers(items: object) -> list[bytes]:
    """A page's base64 buffers -> bytes; anything malformed is a ``ValueError``."""
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(b, str) for b in items):
        raise ValueError("buffers must be a list of base64 strings")
    try:
        out = [base64.b64decode(b, validate=True) for b in items]
    except binascii.Error as exc:
        raise ValueError(f"buffers: {exc}") from None
    if sum(len(b) for b in out) > MAX_BUFFER_BYTES:
        raise ValueError("buffers: too large")
    return out


class _Model:
    """The last known state of one widget model (what a late page needs to show it)."""

    def __init__(self, target: str, data: JsonDict, metadata: JsonDict, buffers: list[str]) -> None:
        self.target = target
        self.metadata = metadata
        state = data.get("state")
        self.state: JsonDict = dict(state) if isinstance(state, dict) else {}
        self.buffers: dict[tuple[Any, ...], str] = {}
        self._take_buffers(data, buffers)

    def _take_buffers(self, data: JsonDict, buffers: list[str]) -> None:
        paths = data.get("buffer_paths")
        if not isinstance(paths, list):
            return
        for path, buf in zip(paths, buffers, strict=False):
            if isinstance(path, list) and path:
                self.buffers[tuple(path)] = buf

    def update(self, data: JsonDict, buffers: list[str]) -> None:
        state = data.get("state")
        if not isinstance(state, dict):
            return
        for key in state:
            for path in [p for p in self.buffers if p[0] == key]:
                del self.buffers[path]
        self.state.update(state)
        self._take_buffers(data, buffers)

    def open_data(self) -> tuple[JsonDict, list[str]]:
        paths = [list(p) for p in self.buffers]
        return {"state": self.state, "buffer_paths": paths}, list(self.buffers.values())


class WidgetRelay:
    """Kernel widget comms -> pages (and the models' last state); page messages -> kernel."""

    def __init__(self, broadcast: Broadcast) -> None:
        self._broadcast = broadcast
        self.models: dict[str, _Model] = {}

    # --- kernel -> pages ------------------------------------------------------------------
    def from_kernel(self, mtype: str, content: JsonDict, buffers: list[Any] | None, parent: str = "") -> None:
        """One iopub ``comm_open`` / ``comm_msg`` / ``comm_close`` of a comm that is not ``reflow``."""
        comm_id = content.get("comm_id")
        if not isinstance(comm_id, str):
            return
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        assert isinstance(data, dict)
        encoded = encode_buffers(buffers)
        msg: JsonDict = {"type": "widget_comm", "op": mtype.removeprefix("comm_"), "comm_id": comm_id, "data": data}
        if encoded:
            msg["buffers"] = encoded
        if parent:
            msg["parent"] = parent
        if mtype == "comm_open":
            target = str(content.get("target_name") or "")
            metadata = content.get("metadata") if isinstance(content.get("metadata"), dict) else {}
            assert isinstance(metadata, dict)
            msg["target_name"] = target
            msg["metadata"] = metadata
            if len(self.models) >= MAX_MODELS:
                self.models.pop(next(iter(self.models)))
            self.models[comm_id] = _Model(target, data, metadata, encoded)
        elif mtype == "comm_msg":
            model = self.models.get(comm_id)
            if model is not None and data.get("method") in ("update", "echo_update"):
                model.update(data, encoded)
        elif mtype == "comm_close":
            self.models.pop(comm_id, None)
        self._broadcast(msg)

    def replay(self) -> list[JsonDict]:
        """Every live model as an ``open`` with its last state: for a page that connects now."""
        out = []
        for comm_id, model in self.models.items():
            data, buffers = model.open_data()
            msg: JsonDict = {
                "type": "widget_comm",
                "op": "open",
                "comm_id": comm_id,
                "target_name": model.target,
                "metadata": model.metadata,
                "data": data,
            }
            if buffers:
                msg["buffers"] = buffers
            out.append(msg)
        return out

    def module_source(self, model_id: str) -> str | None:
        """A live anywidget model's front-end module (its ``_esm``), unless that is an address."""
        model = self.models.get(model_id)
        if model is None or model.target != "jupyter.widget" or model.state.get("_model_module") != "anywidget":
            return None
        esm = model.state.get("_esm")
        if not isinstance(esm, str) or esm.startswith(("http://", "https://")):
            return None
        return esm

    def clear(self) -> None:
        """The kernel restarted: its models are gone."""
        self.models.clear()

    def state_document(self) -> JsonDict:
        """The models as a Jupyter widget state document (``application/vnd.jupyter.widget-state+json``)."""
        state: JsonDict = {}
        for comm_id, model in self.models.items():
            if model.target != "jupyter.widget":
                continue
            entry: JsonDict = {
                "model_name": model.state.get("_model_name", ""),
                "model_module": model.state.get("_model_module", ""),
                "model_module_version": model.state.get("_model_module_version", ""),
                "state": model.state,
            }
            if model.buffers:
                entry["buffers"] = [
                    {"path": list(path), "encoding": "base64", "data": data} for path, data in model.buffers.items()
                ]
            state[comm_id] = entry
        return {"version_major": 2, "version_minor": 0, "state": state}


def has_module_code(doc: object) -> bool:
    """Does a widget state document hold anywidget modules as code (not addresses)?

    The offline HTML export inlines them in the state and imports each from a ``blob:`` URL, so
    such a page's CSP allows ``blob:`` scripts, and only such a page.
    """
    state = doc.get("state") if isinstance(doc, dict) else None
    if not isinstance(state, dict):
        return False
    for entry in state.values():
        model = entry.get("state") if isinstance(entry, dict) else None
        if isinstance(model, dict) and model.get("_model_module") == "anywidget":
            esm = model.get("_esm")
            if isinstance(esm, str) and esm and not esm.startswith(("http://", "https://")):
                return True
    return False
