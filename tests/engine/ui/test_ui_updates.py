"""Value changes from the UI: bindings, which cells run, batching, lazy mode."""

from __future__ import annotations

from typing import ClassVar

from reflow.ui._updates import apply_updates, bound_names, merge

SLIDER = "import reflow\ns = reflow.ui.slider(0, 100, value=1)\ns"


def test_runs_readers_not_the_defining_cell(make_runtime, ran):
    rt, sink = make_runtime(SLIDER, "y = s.value * 2", "z = y + 1", "unrelated = 5")
    mark = len(sink.events)
    result = apply_updates(rt, [("c0-0", 10)])
    assert result["cells"] == ["c1"]
    assert ran(sink, mark) == ["c1", "c2"]
    assert rt.namespace["y"] == 20 and rt.namespace["z"] == 21


def test_only_last_value_per_element_is_applied(make_runtime, ran):
    rt, sink = make_runtime(SLIDER, "seen = s.value")
    mark = len(sink.events)
    apply_updates(rt, [("c0-0", 3), ("c0-0", 4), ("c0-0", 5)])
    assert ran(sink, mark) == ["c1"]  # one run, not three
    assert rt.namespace["seen"] == 5
    assert merge([("a", 1), ("b", 2), ("a", 3)]) == [("b", 2), ("a", 3)]


def test_unknown_element_and_bad_value(make_runtime, ran):
    rt, _ = make_runtime(SLIDER, "seen = s.value")
    result = apply_updates(rt, [("nope-0", 1), ("c0-0", "not a number")])
    assert result["unknown"] == ["nope-0"]
    assert "c0-0" in result["errors"] and result["cells"] == []


def test_unbound_element_triggers_nothing(make_runtime, ran):
    rt, sink = make_runtime("import reflow\nreflow.ui.slider(0, 5)", "x = 1")
    mark = len(sink.events)
    assert apply_updates(rt, [("c0-0", 3)])["cells"] == []
    assert ran(sink, mark) == []


def test_two_names_bound_to_one_element(make_runtime, ran):
    rt, sink = make_runtime(SLIDER, "t = s", "a = t.value", "b = s.value")
    mark = len(sink.events)
    apply_updates(rt, [("c0-0", 7)])
    # c1 reads s (runs), c2 reads t (its descendant), c3 reads s; the defining cell never runs
    assert ran(sink, mark) == ["c1", "c2", "c3"]


def test_child_of_array_triggers_readers_of_the_array(make_runtime, ran):
    rt, sink = make_runtime(
        "import reflow\nparts = reflow.ui.array([reflow.ui.slider(0, 9), reflow.ui.slider(0, 9)])",
        "total = sum(parts.value)",
    )
    mark = len(sink.events)
    apply_updates(rt, [("c0-1", 4)])  # c0-0 / c0-1 are the children, c0-2 the array
    assert ran(sink, mark) == ["c1"] and rt.namespace["total"] == 4


def test_form_child_change_does_not_fire_but_submit_does(make_runtime, ran):
    rt, sink = make_runtime("import reflow\nf = reflow.ui.form(reflow.ui.text())", "got = f.value")
    mark = len(sink.events)
    apply_updates(rt, [("c0-0", "draft")])  # the inner text element
    assert ran(sink, mark) == []
    apply_updates(rt, [("c0-1", "sent")])  # the form: submit
    assert ran(sink, mark) == ["c1"] and rt.namespace["got"] == "sent"


def test_lazy_mode_marks_readers_stale(make_runtime, ran):
    rt, sink = make_runtime(SLIDER, "y = s.value", "z = y", mode="lazy")
    mark = len(sink.events)
    apply_updates(rt, [("c0-0", 50)])
    assert ran(sink, mark) == []
    assert rt.is_stale("c1") and rt.is_stale("c2") and not rt.is_stale("c0")
    rt.run_stale()
    assert rt.namespace["y"] == 50


def test_run_button_is_true_only_during_the_run(make_runtime, ran):
    rt, _ = make_runtime("import reflow\ngo = reflow.ui.run_button()", "log = []", "log.append(go.value)")
    apply_updates(rt, [("c0-0", {})])
    assert rt.namespace["log"] == [False, True]
    assert rt.namespace["go"].value is False


def test_bound_names_scans_with_is(make_runtime, ran):
    rt, _ = make_runtime(SLIDER, "copy = s", "other = 3")
    assert bound_names(rt.namespace, [rt.namespace["s"]]) == {"s", "copy"}


def test_kernel_bridge_answers_ui_values(make_runtime, ran):
    from reflow.kernel.ui_bridge import set_ui_values, table_page

    rt, _ = make_runtime(SLIDER, "y = s.value")

    class Host:
        runtime = rt
        sent: ClassVar[list[dict]] = []

        class sink:  # the answer leaves with the run's events: queued, then flushed (kernel/handler.py emit)
            eager_running = True

            @staticmethod
            def flush_events():
                pass

        def send(self, msg):
            self.sent.append(msg)

        emit = send

        def send_variables(self):
            self.sent.append({"type": "variables"})

        def after_run(self):  # what the kernel does after a run (variables…), as the bridge calls it now
            self.sent.append({"type": "variables"})

    host = Host()
    set_ui_values(
        host, {"element_id": "c0-0", "value": 2, "updates": [{"element_id": "c0-0", "value": 9}], "request_id": "r1"}
    )
    # the answer is queued after the variables: one comm message with the run's events (kernel/handler.py)
    assert host.sent[0]["type"] == "variables"
    assert host.sent[-1] == {"type": "ui_values", "values": {"c0-0": 9}, "request_id": "r1"}
    assert rt.namespace["y"] == 9
    reply = table_page({"request_id": "t", "element_id": "c0-0", "page": 1})
    assert reply["type"] == "table_page_reply" and "error" in reply
