"""The element base class, the form every element's ``.form()`` wraps it in, and the
registry that maps element ids to live elements.

An element renders as ``application/vnd.reflow.ui+json`` (``{element_id, kind,
props, value}``) plus text/plain and a static text/html fallback. Its id is
``<cell id>-<counter within the cell run>`` (see ``reflow.context``), so a re-run
of the defining cell makes an element with the same id: when its construction
arguments did not change, it starts from the value the user last chose.

Ids live for one session; what the user chose is also kept in a slot of
``reflow.ui._persist`` (cell + kind/label/occurrence) that survives closing and
reopening the notebook. A value saved there is checked by ``_restore`` before it
is used: one that no longer fits the element leaves it at its default.
"""

from __future__ import annotations

import html
import json
import weakref
from collections.abc import Callable
from typing import Any

from reflow import context
from reflow.ui._persist import BOOK, MISSING, DoesNotFit, json_same

UI_MIME = "application/vnd.reflow.ui+json"


class UIElement:
    """Base of every ``reflow.ui`` element; ``.value`` is the Python value."""

    kind = "element"
    persist = True  # keep the user's value across reopening (False: buttons, files, tables, containers)

    def __init__(
        self, value: Any, props: dict[str, Any], *, label: str = "", on_change: Callable[[Any], object] | None = None
    ) -> None:
        self._id = context.next_id()
        self._props = {"label": label, **props}
        self._on_change = on_change
        self._parent: weakref.ref[UIElement] | None = None
        self._value = value
        self._args_key = self._key()
        self._slot = BOOK.slot(self.kind, label) if self.persist else None
        previous = REGISTRY.previous(self._id)
        if previous is not None and previous._args_key == self._args_key and previous.kind == self.kind:
            self._value = previous._value  # re-run with the same arguments: keep the user's value
            BOOK.carry(self._slot, self._json_or_none())
        else:
            what = f"{self.kind} {json.dumps(label, ensure_ascii=False)}" if label else f"A {self.kind}"
            restored = BOOK.restore(self._slot, self._restore_or_undo, what)  # saved before the notebook was closed
            if restored is not MISSING:
                self._value = restored
        REGISTRY.add(self)

    # --- what subclasses define -------------------------------------------------------
    def _convert(self, value: Any) -> Any:
        """JSON value from the UI -> Python value."""
        return value

    def _to_json(self, value: Any) -> Any:
        """Python value -> JSON value for the UI."""
        return value

    def _restore_or_undo(self, saved: Any) -> Any:
        """``_restore``; a refused value leaves no trace (``_convert`` may set attributes on its way)."""
        before = dict(self.__dict__)
        try:
            return self._restore(saved)
        except Exception:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _restore(self, saved: Any) -> Any:
        """A saved JSON value -> Python value; raises when it no longer fits this element.

        It fits when converting it and back gives the same JSON value: a clamped
        number, an unknown option or a value of another type does not.
        """
        value = self._convert(saved)
        if not json_same(self._to_json(value), saved):
            raise DoesNotFit("does not fit it now")
        return value

    def _static_html(self) -> str:
        """A read-only rendering for exports and plain Jupyter."""
        return f"<span>{html.escape(repr(self.value))}</span>"

    # --- public ---------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        return self._value

    @property
    def element_id(self) -> str:
        return self._id

    def form(self, submit_label: str = "Submit", label: str = "") -> form:
        """Wrap this element in a form: its value changes only on submit."""
        return form(self, submit_label=submit_label, label=label)

    def _update(self, json_value: Any) -> None:
        """A value from the UI: convert, store, call ``on_change``."""
        self._value = self._convert(json_value)
        if self._on_change is not None:
            self._on_change(self._value)

    def _remember(self) -> None:
        """The user set this element's value: keep it for the next open of the notebook."""
        BOOK.keep(self._slot, self._json_or_none())

    def _json_or_none(self) -> Any:
        try:
            return self._to_json(self._value)
        except Exception:
            return None

    def _children(self) -> list[UIElement]:
        return []

    def _payload(self) -> dict[str, Any]:
        return {"element_id": self._id, "kind": self.kind, "props": self._props, "value": self._to_json(self._value)}

    def _key(self) -> str:
        try:
            return json.dumps([self.kind, self._props, self._to_json(self._value)], sort_keys=True, default=repr)
        except Exception:
            return repr((self.kind, self._props, self._value))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        label = self._props.get("label") or ""
        head = f"<label>{html.escape(str(label))}</label> " if label else ""
        return {
            UI_MIME: self._payload(),
            "text/plain": repr(self),
            "text/html": f'<div class="reflow-ui reflow-{self.kind}">{head}{self._static_html()}</div>',
        }

    def __format__(self, spec: str) -> str:
        """Inside ``reflow.md(f"...{element}...")``: a placeholder the UI turns into the live widget."""
        return f'<span data-reflow-el="{self._id}"></span>'

    def __repr__(self) -> str:
        label = self._props.get("label")
        shown = f" {label!r}" if label else ""
        return f"<{self.kind}{shown} value={self._value!r}>"


def adopt(parent: UIElement, children: list[UIElement]) -> None:
    """Link children to their container (how a child's change reaches the container's readers)."""
    for child in children:
        if not isinstance(child, UIElement):
            raise TypeError(f"expected reflow.ui elements, got {type(child).__name__}")
        child._parent = weakref.ref(parent)


class form(UIElement):
    """Wraps an element: ``value`` changes only when the user presses submit (None before)."""

    kind = "form"
    persist = False  # its value is the last submit; the wrapped element keeps nothing on its own

    def __init__(
        self,
        element: UIElement,
        *,
        submit_label: str = "Submit",
        label: str = "",
        clear_on_submit: bool = False,
        on_change: Callable[[Any], object] | None = None,
    ) -> None:
        self._element = element
        super().__init__(
            None,
            {"child": element._payload(), "submit_label": submit_label, "clear_on_submit": clear_on_submit},
            label=label,
            on_change=on_change,
        )
        adopt(self, [element])

    @property
    def element(self) -> UIElement:
        return self._element

    def _children(self) -> list[UIElement]:
        return [self._element]

    def _convert(self, value: Any) -> Any:
        self._element._update(value)
        return self._element.value

    def _to_json(self, value: Any) -> Any:
        return None if value is None else self._element._to_json(value)

    def _payload(self) -> dict[str, Any]:
        self._props["child"] = self._element._payload()
        return super()._payload()

    def _key(self) -> str:
        return repr(
            (self.kind, self._props.get("submit_label"), getattr(getattr(self, "_element", None), "_args_key", None))
        )

    def _static_html(self) -> str:
        inner = self._element._repr_mimebundle_()["text/html"]
        return f"{inner}<button disabled>{html.escape(self._props['submit_label'])}</button>"


class Registry:
    """Live elements by id, plus the previous run's elements while their cell re-runs."""

    def __init__(self) -> None:
        self.elements: dict[str, UIElement] = {}
        self._by_cell: dict[str, list[str]] = {}
        self._previous: dict[str, UIElement] = {}
        context.add_listener(self._on_cell)

    def _on_cell(self, event: str, cell: str, runtime: Any) -> None:
        if event == "enter":
            for element_id in self._by_cell.pop(cell, []):
                element = self.elements.pop(element_id, None)
                if element is not None:
                    self._previous[element_id] = element
        else:
            prefix = f"{cell}-"
            for element_id in [k for k in self._previous if k.startswith(prefix)]:
                del self._previous[element_id]

    def add(self, element: UIElement) -> None:
        self.elements[element._id] = element
        if context.cell is not None:
            self._by_cell.setdefault(context.cell, []).append(element._id)

    def previous(self, element_id: str) -> UIElement | None:
        return self._previous.get(element_id)

    def get(self, element_id: str) -> UIElement | None:
        return self.elements.get(element_id)

    def values(self) -> dict[str, Any]:
        """Every live element's JSON value (what the app may save and restore)."""
        out = {}
        for element_id, element in self.elements.items():
            try:
                out[element_id] = element._to_json(element._value)
            except Exception:
                continue
        return out

    def clear(self) -> None:
        self.elements.clear()
        self._by_cell.clear()
        self._previous.clear()
        BOOK.clear()


REGISTRY = Registry()
