"""ipywidgets 8 in a real Reflow kernel: a change made in the page re-runs the readers of the
widget (not its defining cell), observers still run, a re-run keeps the user's value, and
``with Output():`` / ``interact`` capture into the widget's state."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from helpers import text_of

pytest.importorskip("ipywidgets")

WAIT = 60.0


class WidgetTap:
    """Keeps the kernel's widget comm traffic (the harness reads only the ``reflow`` comm)."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        self.msgs: list[dict[str, Any]] = []
        original = kernel.kc.get_iopub_msg

        async def tapped(*args: Any, **kwargs: Any) -> dict[str, Any]:
            msg = await original(*args, **kwargs)
            if (
                msg["header"]["msg_type"] in ("comm_open", "comm_msg")
                and msg["content"].get("comm_id") != kernel.comm_id
            ):
                self.msgs.append(msg)
            return msg

        kernel.kc.get_iopub_msg = tapped

    def model(self, name: str) -> str:
        for msg in self.msgs:
            state = (msg["content"].get("data") or {}).get("state") or {}
            if msg["header"]["msg_type"] == "comm_open" and state.get("_model_name") == name:
                return str(msg["content"]["comm_id"])
        raise AssertionError(f"no {name} opened")

    def state(self, comm_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for msg in self.msgs:
            if msg["content"].get("comm_id") == comm_id:
                out.update((msg["content"].get("data") or {}).get("state") or {})
        return out

    def change(self, comm_id: str, **state: Any) -> None:
        """What the page's widget manager sends when the user moves the widget."""
        data = {"method": "update", "state": state, "buffer_paths": []}
        msg = self.kernel.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.kernel.kc.shell_channel.send(msg)


SLIDER = [
    ("a", "import ipywidgets as W\nw = W.IntSlider(value=3, min=0, max=10)\nw"),
    ("b", "print('value', w.value)"),
    ("e", "seen = []"),
    ("c", "w.observe(lambda change: seen.append(change['new']), 'value')"),
]


async def test_moving_a_slider_reruns_its_readers_not_its_cell(kernel):
    tap = WidgetTap(kernel)
    await kernel.open(SLIDER)
    view = kernel.outputs("a")[-1]["data"]["application/vnd.jupyter.widget-view+json"]
    slider = tap.model("IntSliderModel")
    assert view["model_id"] == slider
    assert text_of(kernel.outputs("b")).strip() == "value 3"

    mark = kernel.mark()
    tap.change(slider, value=7)
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)
    assert text_of(kernel.outputs("b", mark)).strip() == "value 7"
    assert not kernel.since(mark, "cell_clear", "a"), "the defining cell must not re-run"
    assert not kernel.since(mark, "cell_clear", "e")

    # the observer ran too, as in Jupyter
    mark = kernel.mark()
    await kernel.op({"type": "create_cell", "id": "d", "code": "print(seen)", "order": ["a", "b", "e", "c", "d"]})
    await kernel.op({"type": "run", "cells": [{"id": "d", "code": "print(seen)"}]})
    assert text_of(kernel.outputs("d", mark)).strip() == "[7]"


async def test_rerun_of_the_defining_cell_keeps_the_value(kernel):
    tap = WidgetTap(kernel)
    await kernel.open(SLIDER[:2])
    tap.change(tap.model("IntSliderModel"), value=9)
    mark = kernel.mark()
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)

    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": SLIDER[0][1]}]})
    assert text_of(kernel.outputs("b", mark)).strip() == "value 9"
    # other construction arguments: a new widget, its own default
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "a", "code": SLIDER[0][1].replace("max=10", "max=20")}]})
    assert text_of(kernel.outputs("b", mark)).strip() == "value 3"


async def test_a_box_reader_reruns_and_lazy_mode_marks_stale(kernel):
    tap = WidgetTap(kernel)
    cells = [
        ("a", "import ipywidgets as W\nd = W.Dropdown(options=['x', 'y'], value='x')\nbox = W.HBox([d])\nbox"),
        ("b", "print('picked', box.children[0].value)"),
    ]
    await kernel.open(cells)
    mark = kernel.mark()
    tap.change(tap.model("DropdownModel"), index=1)
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)
    assert text_of(kernel.outputs("b", mark)).strip() == "picked y"

    await kernel.op({"type": "set_mode", "mode": "lazy"})
    mark = kernel.mark()
    tap.change(tap.model("DropdownModel"), index=0)
    await kernel.wait_event(lambda e: e["type"] == "cell_status" and e["id"] == "b", mark)
    assert kernel.last_status("b") == "stale"


async def test_output_widget_and_interact_capture_into_their_state(kernel):
    tap = WidgetTap(kernel)
    code = "import ipywidgets as W\nout = W.Output()\nwith out:\n    print('inside')\nprint('outside')\nout\n"
    inter = "from ipywidgets import interact\n@interact(n=(0, 10))\ndef show(n=2):\n    print('n is', n)\n"
    await kernel.open([("o", code), ("i", inter)])
    assert text_of(kernel.outputs("o")).startswith("outside")
    assert tap.state(tap.model("OutputModel"))["outputs"] == [
        {"output_type": "stream", "name": "stdout", "text": "inside\n"}
    ]

    outputs = [m for m in tap.msgs if m["header"]["msg_type"] == "comm_open"]
    interact_out = [
        m["content"]["comm_id"] for m in outputs if m["content"]["data"]["state"].get("_model_name") == "OutputModel"
    ][-1]
    assert tap.state(interact_out)["outputs"][-1]["text"] == "n is 2\n"
    slider = [
        m["content"]["comm_id"] for m in outputs if m["content"]["data"]["state"].get("_model_name") == "IntSliderModel"
    ][-1]
    tap.change(slider, value=5)

    async def shows_five() -> None:
        while (tap.state(interact_out).get("outputs") or [{}])[-1].get("text") != "n is 5\n":
            await asyncio.sleep(0.02)

    await asyncio.wait_for(shows_five(), WAIT)
    assert "n is" not in text_of(kernel.outputs("i"))


async def test_a_chosen_value_is_kept_for_the_next_open_and_restored(kernel):
    tap = WidgetTap(kernel)
    await kernel.open(SLIDER[:2])
    mark = kernel.mark()
    tap.change(tap.model("IntSliderModel"), value=8)
    kept = await kernel.wait_event(lambda e: e["type"] == "ui_kept", mark)
    assert kept["cells"] == {"a": {"ipywidgets.IntSlider#0": 8}}  # the slot reflow.ui's BOOK keeps


async def test_saved_values_are_used_when_the_notebook_opens_again(kernel):
    saved = {"a": {"ipywidgets.IntSlider#0": 6}}
    seq, fut = kernel._future()
    data = {
        "type": "open",
        "seq": seq,
        "mode": "auto",
        "run": True,
        "ui_values": saved,
        "cells": [{"id": c, "kind": "code", "code": code} for c, code in SLIDER[:2]],
    }
    kernel.kc.shell_channel.send(
        kernel.kc.session.msg("comm_open", {"comm_id": kernel.comm_id, "target_name": "reflow", "data": data})
    )
    await asyncio.wait_for(fut, WAIT)
    assert text_of(kernel.outputs("b")).strip() == "value 6"


async def test_an_observer_cell_that_runs_again_does_not_stack_its_observer(kernel):
    tap = WidgetTap(kernel)
    await kernel.open(SLIDER)
    observer = SLIDER[3][1]
    for _ in range(2):  # the observing cell re-runs (the user runs it, or its inputs changed)
        await kernel.op({"type": "run", "cells": [{"id": "c", "code": observer}]})
    mark = kernel.mark()
    tap.change(tap.model("IntSliderModel"), value=7)
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)
    mark = kernel.mark()
    await kernel.op({"type": "create_cell", "id": "d", "code": "print(seen)", "order": ["a", "b", "e", "c", "d"]})
    await kernel.op({"type": "run", "cells": [{"id": "d", "code": "print(seen)"}]})
    assert text_of(kernel.outputs("d", mark)).strip() == "[7]"  # one observer, not three


async def test_a_deleted_cells_observer_and_click_handler_are_removed(kernel):
    tap = WidgetTap(kernel)
    cells = [
        *SLIDER,
        ("f", "button = W.Button(description='go')\nclicks = []"),
        ("g", "button.on_click(lambda _: clicks.append('g'))"),
        ("h", "button.on_click(lambda _: clicks.append('h'))"),
    ]
    await kernel.open(cells)
    await kernel.op({"type": "run", "cells": [{"id": "g", "code": cells[5][1]}]})  # g again: still one
    await kernel.op({"type": "delete_cell", "id": "c"})
    await kernel.op({"type": "delete_cell", "id": "h"})

    mark = kernel.mark()
    tap.change(tap.model("IntSliderModel"), value=4)
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)
    click = {"method": "custom", "content": {"event": "click"}}
    kernel.kc.shell_channel.send(
        kernel.kc.session.msg("comm_msg", {"comm_id": tap.model("ButtonModel"), "data": click})
    )
    mark = kernel.mark()
    code = "print(seen, clicks)"
    await kernel.op({"type": "create_cell", "id": "d", "code": code, "order": ["a", "b", "e", "f", "g", "d"]})
    await kernel.op({"type": "run", "cells": [{"id": "d", "code": code}]})
    assert text_of(kernel.outputs("d", mark)).strip() == "[] ['g']"


ANYWIDGET_COUNTER = """\
import anywidget
import traitlets

class Counter(anywidget.AnyWidget):
    _esm = "export default { render({ model, el }) { el.textContent = model.get('value'); } };"
    value = traitlets.Int(0).tag(sync=True)

counter = Counter()
counter
"""


async def test_an_anywidget_change_reruns_its_readers(kernel):
    pytest.importorskip("anywidget")
    tap = WidgetTap(kernel)
    await kernel.open([("a", ANYWIDGET_COUNTER), ("b", "print('count', counter.value)")])
    model = tap.model("AnyModel")
    assert "export default" in tap.state(model)["_esm"]  # the module travels in the state (export, relay)
    mark = kernel.mark()
    tap.change(model, value=3)  # what model.save_changes() sends from the page
    await kernel.wait_event(lambda e: e["type"] == "cell_output" and e["id"] == "b", mark)
    assert text_of(kernel.outputs("b", mark)).strip() == "count 3"
    assert not kernel.since(mark, "cell_clear", "a")
