"""Let ``reflow.md(...)``, ``reflow.state(...)``, ``reflow.stop(...)`` work even after
their module was imported (importing ``reflow.md`` sets the package attribute
``reflow.md`` to the module, which would hide the function of the same name)."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_module_callable(module_name: str, func: Callable[..., Any]) -> None:
    """Calling the module calls ``func``."""
    module = sys.modules[module_name]

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

    module.__class__ = CallableModule
