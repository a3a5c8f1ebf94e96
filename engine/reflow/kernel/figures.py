"""One picture per matplotlib figure, and none from a cell that failed.

matplotlib's inline backend shows every open figure when a cell finishes (its
``post_execute`` hook). A cell that ends with ``fig`` (or calls ``display(fig)``)
has already shown that figure, so the hook would show it a second time; a cell
that raised would show the half-drawn figure above its error. ``FigureTracker``
closes, before the hook runs, the figures the cell already showed and, when the
cell failed, every figure the cell opened. matplotlib is only looked at when the
notebook itself imported it.
"""

from __future__ import annotations

import sys
from typing import Any


def _pyplot() -> Any | None:
    return sys.modules.get("matplotlib.pyplot")


def is_figure(value: object) -> bool:
    """Whether ``value`` is a matplotlib ``Figure`` (False when matplotlib is not loaded)."""
    module = sys.modules.get("matplotlib.figure")
    figure_type = getattr(module, "Figure", None)
    return isinstance(figure_type, type) and isinstance(value, figure_type)


def _open_figures() -> list[Any]:
    """Figures pyplot keeps open (what the inline backend would show), without changing the current one."""
    helpers = sys.modules.get("matplotlib._pylab_helpers")
    try:
        return [manager.canvas.figure for manager in helpers.Gcf.get_all_fig_managers()] if helpers else []
    except Exception:  # a broken backend must not break the run
        return []


class FigureTracker:
    """Figures of the running cell: those open when it started and those it showed."""

    def __init__(self) -> None:
        self._before: list[Any] = []
        self._shown: list[Any] = []

    def start(self) -> None:
        """A cell starts running."""
        self._before = _open_figures()
        self._shown = []

    def shown(self, value: object) -> None:
        """``value`` was formatted for display in the running cell."""
        if is_figure(value) and not any(value is fig for fig in self._shown):
            self._shown.append(value)

    def finish(self, failed: bool) -> None:
        """The cell stopped: close what must not be shown again (call before ``post_execute``)."""
        pyplot = _pyplot()
        shown, self._shown = self._shown, []
        if pyplot is None:
            return
        doomed = list(shown)
        if failed:
            doomed += [fig for fig in _open_figures() if not any(fig is old for old in self._before)]
        self._before = []
        for fig in doomed:
            try:
                pyplot.close(fig)
            except Exception:
                pass
