"""The page's JSON: what the page's ``JSON.parse`` accepts, for every message the app can send."""

from __future__ import annotations

import json
from typing import Any

from reflow_desktop.server.page_json import encode


def strict_loads(data: bytes) -> Any:
    """``JSON.parse``'s grammar: no ``NaN`` or ``Infinity`` literals."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def test_an_ordinary_message_round_trips() -> None:
    msg = {"type": "batch", "events": [{"type": "cell_output", "id": "c1", "output": {"text": "é\n\u2028\x1b[0m"}}]}
    assert strict_loads(encode(msg)) == msg


def test_non_finite_floats_become_null_instead_of_breaking_the_page() -> None:
    msg = {"type": "variables", "values": [float("nan"), float("inf"), -float("inf"), 1.5]}
    assert strict_loads(encode(msg))["values"] == [None, None, None, 1.5]


def test_a_huge_integer_takes_the_standard_encoder_with_the_same_rules() -> None:
    msg = {"type": "x", "n": 2**70, "f": float("nan"), "nested": [{1: float("inf")}], "t": (1, 2)}
    assert strict_loads(encode(msg)) == {"type": "x", "n": 2**70, "f": None, "nested": [{"1": None}], "t": [1, 2]}


def test_what_json_cannot_hold_is_its_str() -> None:
    class Thing:
        def __str__(self) -> str:
            return "a thing"

    assert strict_loads(encode({"a": Thing(), 3: "int key"})) == {"a": "a thing", "3": "int key"}


def test_a_lone_surrogate_in_printed_bytes_still_reaches_the_page() -> None:
    """Undecodable bytes kept by ``surrogateescape`` are not UTF-8: the standard encoder escapes them."""
    text = b"caf\xe9".decode("utf-8", "surrogateescape")
    assert strict_loads(encode({"type": "cell_output", "text": text}))["text"] == text
