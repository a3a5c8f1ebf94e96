"""The session's Jupyter widget relay: kernel comm traffic to pages, each model's last state
(replayed to a page that connects, exported as a widget state document), hostile page buffers."""

from __future__ import annotations

import base64

import pytest

from reflow_desktop.session.widget_comms import WidgetRelay, decode_buffers, has_module_code


def slider_open(relay: WidgetRelay, comm_id: str = "m1") -> None:
    state = {
        "_model_name": "IntSliderModel",
        "_model_module": "@jupyter-widgets/controls",
        "_model_module_version": "2.0.0",
        "value": 3,
    }
    relay.from_kernel(
        "comm_open",
        {
            "comm_id": comm_id,
            "target_name": "jupyter.widget",
            "data": {"state": state, "buffer_paths": []},
            "metadata": {"version": "2.1.0"},
        },
        [],
    )


def test_open_update_close_reach_pages_and_the_last_state_is_kept():
    sent: list[dict] = []
    relay = WidgetRelay(sent.append)
    slider_open(relay)
    relay.from_kernel("comm_msg", {"comm_id": "m1", "data": {"method": "echo_update", "state": {"value": 7}}}, [], "r1")
    assert [m["op"] for m in sent] == ["open", "msg"]
    assert sent[0]["metadata"] == {"version": "2.1.0"} and sent[1]["parent"] == "r1"

    (replayed,) = relay.replay()
    assert replayed["op"] == "open" and replayed["data"]["state"]["value"] == 7
    doc = relay.state_document()
    assert doc["version_major"] == 2
    assert doc["state"]["m1"]["model_name"] == "IntSliderModel" and doc["state"]["m1"]["state"]["value"] == 7

    relay.from_kernel("comm_close", {"comm_id": "m1", "data": {}}, [])
    assert relay.replay() == [] and sent[-1]["op"] == "close"


def test_binary_buffers_travel_as_base64_and_are_replaced_by_updates():
    sent: list[dict] = []
    relay = WidgetRelay(sent.append)
    data = {"state": {"_model_name": "ImageModel", "value": {}}, "buffer_paths": [["value"]]}
    relay.from_kernel("comm_open", {"comm_id": "img", "target_name": "jupyter.widget", "data": data}, [b"\x89PNG"])
    assert sent[0]["buffers"] == [base64.b64encode(b"\x89PNG").decode()]
    update = {"method": "update", "state": {"value": {}}, "buffer_paths": [["value"]]}
    relay.from_kernel("comm_msg", {"comm_id": "img", "data": update}, [memoryview(b"GIF8")])
    (replayed,) = relay.replay()
    assert replayed["buffers"] == [base64.b64encode(b"GIF8").decode()]
    assert replayed["data"]["buffer_paths"] == [["value"]]
    entry = relay.state_document()["state"]["img"]
    assert entry["buffers"] == [{"path": ["value"], "encoding": "base64", "data": base64.b64encode(b"GIF8").decode()}]


def test_a_restarted_kernel_has_no_models():
    relay = WidgetRelay(lambda m: None)
    slider_open(relay)
    relay.clear()
    assert relay.replay() == [] and relay.state_document()["state"] == {}


@pytest.mark.parametrize("bad", ["not a list", [1, 2], ["!!not base64!!"]])
def test_hostile_page_buffers_are_a_clear_error(bad):
    with pytest.raises(ValueError, match="buffers"):
        decode_buffers(bad)


def test_page_buffers_decode():
    assert decode_buffers([base64.b64encode(b"abc").decode()]) == [b"abc"]
    assert decode_buffers(None) == []


def anywidget_open(relay: WidgetRelay, comm_id: str, esm: str) -> None:
    state = {"_model_name": "AnyModel", "_model_module": "anywidget", "_esm": esm, "value": 0}
    data = {"state": state, "buffer_paths": []}
    relay.from_kernel("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget", "data": data}, [])


def test_anywidget_module_code_is_served_only_for_live_anywidget_models():
    relay = WidgetRelay(lambda _m: None)
    slider_open(relay, "s1")
    anywidget_open(relay, "a1", "export default { render() {} };")
    anywidget_open(relay, "a2", "https://example.com/widget.js")
    assert relay.module_source("a1") == "export default { render() {} };"
    assert relay.module_source("a2") is None  # an address is the page's business, not code we serve
    assert relay.module_source("s1") is None  # not an anywidget
    assert relay.module_source("nope") is None
    relay.from_kernel("comm_close", {"comm_id": "a1", "data": {}}, [])
    assert relay.module_source("a1") is None  # a closed model's code is gone


def test_an_export_needs_blob_modules_only_for_anywidget_code():
    relay = WidgetRelay(lambda _m: None)
    slider_open(relay, "s1")
    assert not has_module_code(relay.state_document())
    anywidget_open(relay, "a2", "https://example.com/widget.js")
    assert not has_module_code(relay.state_document())
    anywidget_open(relay, "a1", "export default {};")
    assert has_module_code(relay.state_document())
    assert not has_module_code({"state": {"x": {"state": "junk"}}}) and not has_module_code("junk")
