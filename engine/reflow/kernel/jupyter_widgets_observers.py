"""Widget observers belong to the cell run that registered them.

In Jupyter, re-running ``w.observe(handler)`` adds a second handler (the new function is another
object), so every move of ``w`` runs both. Reactive notebooks re-run cells by themselves, so this
would stack a handler per re-run. Here ``observe`` and the callback registrations built on
``CallbackDispatcher`` (``Button.on_click``, ``on_msg``, ``on_submit``…) made while a cell runs are
recorded under that cell and removed when the cell runs again or is deleted. Registrations made
outside a cell run (from a callback, say) are left alone: everything else is Jupyter's behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from reflow import context

Remover = Callable[[], None]


class CellObservers:
    """Removers of the observers and callbacks each cell's run registered, by cell id."""

    def __init__(self) -> None:
        self._by_cell: dict[str, list[Remover]] = {}
        context.add_listener(self._on_cell)

    def _on_cell(self, event: str, cell: str, runtime: Any) -> None:
        if event == "enter":
            self.remove(cell)
            self.prune(runtime)

    def registered(self, remover: Remover) -> None:
        """Something was registered: undo it with ``remover`` when the running cell runs again."""
        cell = context.cell
        if cell is not None:
            self._by_cell.setdefault(cell, []).append(remover)

    def remove(self, cell: str) -> None:
        for remover in self._by_cell.pop(cell, []):
            try:
                remover()
            except Exception:  # a widget that is gone already
                pass

    def prune(self, runtime: Any) -> None:
        """Remove what deleted cells registered (before anything could call it again)."""
        graph = getattr(runtime, "graph", None)
        if graph is None:
            return
        for cell in [c for c in self._by_cell if c not in graph]:
            self.remove(cell)

    def cells(self) -> list[str]:
        return list(self._by_cell)


OBSERVERS = CellObservers()


def patch_observers(module: ModuleType) -> None:
    """Record ``Widget.observe`` and ``CallbackDispatcher.register_callback`` made by cell runs."""
    widget_class: Any = getattr(module, "Widget", None)
    if widget_class is not None and not getattr(widget_class, "_reflow_observers", False):
        original_observe = widget_class.observe

        def observe(self: Any, handler: Any, names: Any = None, type: Any = "change") -> None:
            args = (handler,) if names is None else (handler, names)
            original_observe(self, *args, type=type)
            OBSERVERS.registered(lambda: self.unobserve(*args, type=type))

        widget_class.observe = observe
        widget_class._reflow_observers = True

    widget_module = getattr(getattr(module, "widgets", None), "widget", None)
    dispatcher: Any = getattr(widget_module, "CallbackDispatcher", None)
    if dispatcher is not None and not getattr(dispatcher, "_reflow_observers", False):
        original_register = dispatcher.register_callback

        def register_callback(self: Any, callback: Any, remove: bool = False) -> None:
            known = callback in self.callbacks
            original_register(self, callback, remove)
            if not remove and not known:
                OBSERVERS.registered(lambda: original_register(self, callback, True))

        dispatcher.register_callback = register_callback
        dispatcher._reflow_observers = True
