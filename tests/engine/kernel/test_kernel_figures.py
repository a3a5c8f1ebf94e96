"""matplotlib figures in a real kernel: one picture per figure, none from a cell that failed (issue 16)."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("matplotlib_inline")

IMPORT = "import matplotlib.pyplot as plt"


def pictures(kernel, cell: str) -> int:
    return sum(1 for o in kernel.outputs(cell) if o["kind"] == "data" and "image/png" in o["data"])


def kinds(kernel, cell: str) -> list[str]:
    return ["png" if o["kind"] == "data" and "image/png" in o["data"] else o["kind"] for o in kernel.outputs(cell)]


async def test_a_cell_ending_with_fig_shows_it_once(kernel):
    await kernel.open(
        [
            ("imp", IMPORT),
            ("ends", "fig, ax = plt.subplots()\nax.plot([1, 2, 3])\nfig"),
            ("shows", "fig2, ax2 = plt.subplots()\nax2.plot([3, 1])\ndisplay(fig2)"),
            ("plain", "plt.plot([1, 2])\nplt.figure()\nplt.plot([2, 1])\nNone"),
        ]
    )
    assert kinds(kernel, "ends") == ["png"]
    assert kinds(kernel, "shows") == ["png"]
    assert pictures(kernel, "plain") == 2, "figures only pyplot knows still show, one each"
    mark = kernel.mark()
    await kernel.op({"type": "run", "cells": [{"id": "ends"}]})
    assert [o for o in kernel.outputs("ends", mark) if o["kind"] == "data"] and pictures(kernel, "ends") == 2
    assert sum(1 for o in kernel.outputs("ends", mark) if o["kind"] == "data") == 1, "a re-run shows it once too"


async def test_a_cell_that_fails_while_plotting_shows_no_figure(kernel):
    await kernel.open(
        [
            ("imp", IMPORT),
            ("fails", "fig, ax = plt.subplots()\nax.plot([1, 2])\nraise ValueError('boom')"),
            ("after", "fig3, ax3 = plt.subplots()\nlines = ax3.plot([1])"),
        ]
    )
    assert kinds(kernel, "fails") == ["error"]
    assert kinds(kernel, "after") == ["png"], "the failed cell's figure does not leak into the next cell"
