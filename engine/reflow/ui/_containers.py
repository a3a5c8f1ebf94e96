"""Elements made of elements: array and dictionary (``form``, which every element's
``.form()`` makes, lives with the base class in ``_core``).

Children keep their own ids and are updated by the UI one by one; the container's
value is derived from them, so a global bound to the container re-runs its readers
when any child changes (the binding search walks ``_parent`` links).
"""

from __future__ import annotations

import html
from collections.abc import Callable, ItemsView, Iterator, Sequence
from typing import Any

from reflow.ui._core import UIElement, adopt


class array(UIElement):
    """A list of elements; ``value`` is the list of their values."""

    kind = "array"
    persist = False  # its children keep their own values

    def __init__(
        self,
        elements: Sequence[UIElement],
        *,
        label: str = "",
        orientation: str = "vertical",
        on_change: Callable[[Any], object] | None = None,
    ) -> None:
        self._elements = list(elements)
        super().__init__(
            None,
            {"children": [e._payload() for e in self._elements], "orientation": orientation},
            label=label,
            on_change=on_change,
        )
        adopt(self, self._elements)

    @property
    def value(self) -> list[Any]:
        return [e.value for e in self._elements]

    def _children(self) -> list[UIElement]:
        return list(self._elements)

    def _payload(self) -> dict[str, Any]:
        self._props["children"] = [e._payload() for e in self._elements]
        return super()._payload()

    def _to_json(self, value: Any) -> Any:
        return None

    def _key(self) -> str:
        return repr((self.kind, [e._args_key for e in getattr(self, "_elements", [])]))

    def __getitem__(self, index: int) -> UIElement:
        return self._elements[index]

    def __len__(self) -> int:
        return len(self._elements)

    def __iter__(self) -> Iterator[UIElement]:
        return iter(self._elements)

    def _static_html(self) -> str:
        return "".join(f"<div>{e._repr_mimebundle_()['text/html']}</div>" for e in self._elements)

    def __repr__(self) -> str:
        return f"<array value={self.value!r}>"


class dictionary(UIElement):
    """A dict of elements; ``value`` is the dict of their values."""

    kind = "dictionary"
    persist = False  # its children keep their own values

    def __init__(
        self, elements: dict[str, UIElement], *, label: str = "", on_change: Callable[[Any], object] | None = None
    ) -> None:
        self._elements = {str(k): v for k, v in elements.items()}
        super().__init__(
            None, {"children": {k: e._payload() for k, e in self._elements.items()}}, label=label, on_change=on_change
        )
        adopt(self, list(self._elements.values()))

    @property
    def value(self) -> dict[str, Any]:
        return {k: e.value for k, e in self._elements.items()}

    def _children(self) -> list[UIElement]:
        return list(self._elements.values())

    def _payload(self) -> dict[str, Any]:
        self._props["children"] = {k: e._payload() for k, e in self._elements.items()}
        return super()._payload()

    def _to_json(self, value: Any) -> Any:
        return None

    def _key(self) -> str:
        return repr((self.kind, {k: e._args_key for k, e in getattr(self, "_elements", {}).items()}))

    def __getitem__(self, key: str) -> UIElement:
        return self._elements[key]

    def __len__(self) -> int:
        return len(self._elements)

    def __iter__(self) -> Iterator[str]:
        return iter(self._elements)

    def items(self) -> ItemsView[str, UIElement]:
        return self._elements.items()

    def _static_html(self) -> str:
        return "".join(
            f"<div><b>{html.escape(k)}</b> {e._repr_mimebundle_()['text/html']}</div>"
            for k, e in self._elements.items()
        )

    def __repr__(self) -> str:
        return f"<dictionary value={self.value!r}>"
