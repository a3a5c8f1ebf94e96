"""The whole loop over a real WebSocket: run, outputs, reconnect resume, save, read-only."""

from __future__ import annotations

from helpers import is_output, text_of

WAIT = 60.0


async def test_run_via_websocket_and_reconnect_resumes(nb_path, open_page, connect):
    session, client, hello = await open_page(nb_path, autosave_delay=None)
    a, b = [c["id"] for c in hello["cells"] if c["kind"] == "code"]

    client.send({"type": "run", "cells": [{"id": a, "code": "x = 41"}]})
    await client.wait_for(lambda m: is_output(m, b, "42"))
    await client.wait_for(
        lambda m: m["type"] == "variables" and any(v["name"] == "x" and v["preview"] == "41" for v in m["items"])
    )

    await client.close()
    again = await connect(session.id)
    resumed = await again.session_message()
    cells = {c["id"]: c for c in resumed["cells"]}
    assert cells[a]["code"] == "x = 41"
    assert text_of(cells[b]["outputs"]) == "y is 42\n42"
    assert cells[b]["status"] == "idle" and cells[b]["parents"] == [a]
    assert resumed["kernel"]["state"] in ("idle", "busy")


async def test_save_via_websocket(nb_path, open_page):
    _session, client, hello = await open_page(nb_path, autosave_delay=None)
    a = hello["cells"][0]["id"]
    before = nb_path.read_text()
    client.send({"type": "edit", "id": a, "code": "x = 2"})
    client.send({"type": "save"})
    await client.wait_for(lambda m: m["type"] == "saved")
    assert nb_path.read_text() == before.replace("x = 1", "x = 2")
    assert sorted(p.name for p in nb_path.parent.iterdir() if p.name != "__reflow__") == ["nb.py"]  # sidecar aside


async def test_autosave_after_edit(nb_path, open_page):
    _session, client, hello = await open_page(nb_path, autosave_delay=0.05)
    client.send({"type": "edit", "id": hello["cells"][0]["id"], "code": "x = 7"})
    await client.wait_for(lambda m: m["type"] == "saved")
    assert "x = 7" in nb_path.read_text()


async def test_kernel_death_reported_over_websocket(nb_path, open_page):
    _session, client, hello = await open_page(nb_path, autosave_delay=None)
    a = hello["cells"][0]["id"]
    client.send({"type": "run", "cells": [{"id": a, "code": "import os\nos._exit(1)"}]})
    dead = await client.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
    assert "restart" in dead["message"]
    client.send({"type": "restart"})
    await client.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "idle")
    client.send({"type": "run", "cells": [{"id": a, "code": "x = 1"}]})
    await client.wait_for(lambda m: is_output(m, text="2"))
    # The restarted kernel is watched too: a second death is reported again.
    client.send({"type": "run", "cells": [{"id": a, "code": "import os\nos._exit(3)"}]})
    again = await client.wait_for(lambda m: m["type"] == "kernel" and m["state"] == "dead")
    assert "exit code 3" in again["message"]


async def test_read_only_server_session_refuses_edits(nb_path, open_page):
    session, client, hello = await open_page(nb_path, read_only=True)
    assert hello["read_only"] is True
    a = hello["cells"][0]["id"]
    before = nb_path.read_text()
    client.send({"type": "run", "cells": [{"id": a, "code": "x = 99"}]})
    err = await client.wait_for(lambda m: m["type"] == "error")
    assert "read-only" in err["text"]
    client.send({"type": "save"})
    await client.wait_for(lambda m: m["type"] == "error" and "save" in m["text"])
    assert nb_path.read_text() == before
    assert session.notebook.cells[0].source == "x = 1"


UI_MIME = "application/vnd.reflow.ui+json"


def ui_value(cell: dict) -> object:
    """The value shown by the one reflow.ui element in a cell's restored outputs."""
    [element] = [o["data"][UI_MIME] for o in cell["outputs"] if UI_MIME in o.get("data", {})]
    return element["value"]


async def test_display_order_validity_reaches_the_page(tmp_path, open_page, connect):
    """A reader above its only definer is a valid graph but not a valid top-to-bottom script."""
    nb = tmp_path / "order.py"
    nb.write_text("# %%\ny = x + 1\n\n# %%\nx = 1\n")
    session, client, hello = await open_page(nb, autosave_delay=None)
    reader = hello["cells"][0]["id"]
    await client.wait_for(lambda m: m["type"] == "graph" and m["order_valid"] is False)
    # A page that connects later is told too (the session keeps what the kernel said).
    late = await connect(session.id)
    assert (await late.session_message())["config"]["order_valid"] is False
    client.send({"type": "run", "cells": [{"id": reader, "code": "y = 2"}]})
    await client.wait_for(lambda m: m["type"] == "graph" and m["order_valid"] is True)
    again = await connect(session.id)
    assert (await again.session_message())["config"]["order_valid"] is True


async def test_moved_widget_value_is_shown_to_a_reconnecting_page(tmp_path, open_page, connect):
    """The cached output of a slider carries the value the user set, not the one it was built with."""
    nb = tmp_path / "ui.py"
    nb.write_text(
        "# %%\nimport reflow\ns = reflow.ui.slider(0, 10, value=3)\ns\n\n# %%\ndoubled = s.value * 2\ndoubled\n"
    )
    session, client, hello = await open_page(nb, autosave_delay=None)
    slider_cell, reader = [c["id"] for c in hello["cells"]]
    shown = await client.wait_for(lambda m: is_output(m, slider_cell) and UI_MIME in m["output"].get("data", {}))
    element = shown["output"]["data"][UI_MIME]
    assert element["value"] == 3
    client.send({"type": "set_ui_value", "element_id": element["element_id"], "value": 7, "request_id": "r1"})
    await client.wait_for(lambda m: is_output(m, reader, "14"))
    await client.wait_for(lambda m: m["type"] == "ui_values")
    late = await connect(session.id)
    cells = {c["id"]: c for c in (await late.session_message())["cells"]}
    assert ui_value(cells[slider_cell]) == 7
    assert text_of(cells[reader]["outputs"]) == "14"
