"""Shared helpers for reflow.ui tests: a runtime over a fresh namespace."""

from __future__ import annotations

from typing import Literal

import pytest

from reflow.runtime import CollectingSink, Runtime


@pytest.fixture(autouse=True)
def fresh_registry():
    from reflow.ui._core import REGISTRY

    REGISTRY.clear()
    yield
    REGISTRY.clear()


@pytest.fixture
def make_runtime():
    def make(*cells: str, mode: Literal["auto", "lazy"] = "auto") -> tuple[Runtime, CollectingSink]:
        sink = CollectingSink()
        rt = Runtime(sink, mode=mode)
        rt.set_cells([(f"c{i}", code) for i, code in enumerate(cells)])
        rt.run_all()
        return rt, sink

    return make


@pytest.fixture
def ran():
    def started(sink, since: int = 0) -> list[str]:
        """Cells that started running after event index ``since``."""
        return [e[1] for e in sink.events[since:] if e[0] == "status" and e[2] == "running"]

    return started
