"""The kernel side of ``reflow.ui``: value updates, kept values, table pages, data frame display.

Kept out of handler.py so a kernel that never shows an element never imports
``reflow.ui``.

Kept values (``reflow.ui._persist``): ``open`` carries the values the app saved,
``{cell id: {slot key: JSON value}}`` (``load_saved_values``); after every operation
``send_kept_values`` sends ``{"type": "ui_kept", "cells": {cell id: {key: value}}}``
for the cells whose kept values changed (the app stores them with the cell's outputs
and does not relay them to pages), and a notice for saved values that no longer fit.
"""

from __future__ import annotations

import sys
from typing import Any


def _updates(data: dict[str, Any]) -> list[tuple[str, Any]]:
    items = [{"element_id": data["element_id"], "value": data.get("value")}] if "element_id" in data else []
    items += list(data.get("updates") or [])  # later than element_id: the last value wins
    return [(str(u["element_id"]), u.get("value")) for u in items if isinstance(u, dict) and "element_id" in u]


def set_ui_values(host: Any, data: dict[str, Any]) -> None:
    """Apply the updates, run the readers, then answer ``ui_values``."""
    from reflow.kernel import trace
    from reflow.ui._core import REGISTRY
    from reflow.ui._updates import apply_updates

    if trace.ENABLED:
        trace.stamp("k_run_start")
    # The readers' statuses go with their outputs and the answer, in one message: a widget's run is
    # usually a few milliseconds, and a separate "running" cost the app and the page a render on the
    # round trip. (A run still going after the sink's batch delay is shown as running by then.)
    host.sink.eager_running = False
    try:
        result = apply_updates(host.runtime, _updates(data))
    finally:
        host.sink.eager_running = True
    if trace.ENABLED:
        trace.stamp("k_run_end")
    values = {}
    for element_id in result["applied"]:
        element = REGISTRY.get(element_id)
        if element is not None:
            try:
                values[element_id] = element._to_json(element.value)
            except Exception:
                pass
    reply: dict[str, Any] = {"type": "ui_values", "values": values}
    if data.get("request_id") is not None:
        reply["request_id"] = data["request_id"]
    if result["unknown"]:
        reply["unknown"] = result["unknown"]
    if result["errors"]:
        reply["errors"] = result["errors"]
    if result["cells"]:
        host.after_run()  # the variables (and the graph if the run changed it)
    send_kept_values(host)  # the moved element's kept value, for the app's sidecar
    if trace.ENABLED:
        reply["trace"] = trace.take()
    # Queued: the run's events, the variables, the kept values, this answer and the operation's "done"
    # (handler.py) leave as one comm message, so a move costs the kernel, the app and the page one message.
    host.emit(reply)


def load_saved_values(values: object) -> None:
    """The values the app saved for this notebook, used when their elements are made (validated there)."""
    if values or "reflow.ui._persist" in sys.modules:
        from reflow.ui._persist import BOOK

        BOOK.load(values)


def send_kept_values(host: Any) -> None:
    """After an operation: the changed kept values to the app (``ui_kept``), refused saved ones as a notice."""
    persist = sys.modules.get("reflow.ui._persist")  # never import reflow.ui just for this
    if persist is None:
        return
    book = persist.BOOK
    changes = book.take_changes()
    if changes:
        host.emit({"type": "ui_kept", "cells": changes})  # with the operation's last batch
    fallbacks = book.take_fallbacks()
    if fallbacks:
        text = "\n".join(fallbacks[:5]) + (f"\n(and {len(fallbacks) - 5} more)" if len(fallbacks) > 5 else "")
        host.send({"type": "notice", "level": "info", "text": text})


def table_page(data: dict[str, Any]) -> dict[str, Any]:
    """``table_page {request_id, element_id, page, sort, page_size?}`` -> ``table_page_reply``."""
    from reflow.ui._core import REGISTRY

    element_id = data.get("element_id") or data.get("output_id")
    element = REGISTRY.get(str(element_id))
    reply: dict[str, Any] = {"type": "table_page_reply", "request_id": data.get("request_id"), "element_id": element_id}
    if element is None or not hasattr(element, "page"):
        reply["error"] = "this table is gone (its cell ran again); showing the rows it had"
        return reply
    try:
        reply.update(element.page(int(data.get("page") or 0), data.get("sort"), data.get("page_size")))
    except Exception as exc:
        reply["error"] = f"{type(exc).__name__}: {exc}"
    return reply


def register_frame_formatter(shell: Any) -> None:
    """Show pandas/polars DataFrames as paged, sortable tables (without importing either)."""
    formatter = getattr(getattr(shell, "display_formatter", None), "mimebundle_formatter", None)
    if formatter is None:
        return

    def as_table(df: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        from reflow.ui._core import UI_MIME
        from reflow.ui._table import frame_view

        try:
            return {UI_MIME: frame_view(df)._payload()}
        except Exception:
            return None

    # the class's __module__ as IPython sees it (pandas 3 says "pandas", older ones "pandas.core.frame")
    for module in ("pandas", "pandas.core.frame", "polars", "polars.dataframe.frame"):
        formatter.for_type_by_name(module, "DataFrame", as_table)
