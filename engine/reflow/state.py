"""``reflow.state(value)``: a getter/setter pair for the rare cyclic case.

``get, set_ = reflow.state(0)``; cells that read ``get`` (the global bound to the
getter) re-run when ``set_`` is called -- except the cell that called the setter.
Called during a run, the re-run follows that run (the runtime queues it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from reflow import context

T = TypeVar("T")


class State(Generic[T]):
    """The getter: call it for the current value."""

    def __init__(self, value: T) -> None:
        self._value = value

    def __call__(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return f"<state value={self._value!r}>"


class Setter(Generic[T]):
    """The setter: ``set_(v)`` or ``set_(lambda old: new)``."""

    def __init__(self, state: State[T]) -> None:
        self._state = state

    def __call__(self, update: T | Callable[[T], T]) -> None:
        state = self._state
        state._value = update(state._value) if callable(update) else update
        runtime = context.runtime
        if runtime is None:
            return
        names = [n for n, v in runtime.namespace.items() if v is state]
        cells: set[str] = set()
        for name in names:
            cells |= set(runtime.graph.readers(name))
        cells.discard(context.cell)  # never re-run the setter's own cell
        if not cells:
            return
        ordered = [c for c in runtime.cells() if c in cells]
        if runtime.mode == "lazy":
            runtime.mark_stale(ordered)
        else:
            runtime.run_cells(ordered)  # during a run: queued after it

    def __repr__(self) -> str:
        return f"<state setter value={self._state._value!r}>"


def state(value: T) -> tuple[State[T], Setter[T]]:
    """A getter (call it for the value) and a setter that re-runs the getter's readers."""
    getter = State(value)
    return getter, Setter(getter)


from reflow._callable import make_module_callable as _make_callable  # noqa: E402

_make_callable(__name__, state)
