"""Name rules: which names are builtins and which are private to a cell."""

from __future__ import annotations

import builtins

#: Names that resolve without any cell defining them. Besides the `builtins`
#: module this holds the module-level names Python itself provides
#: (`__file__`, `__builtins__`) and `__class__`, implicit inside methods.
BUILTINS: frozenset[str] = frozenset({*vars(builtins), "__file__", "__builtins__", "__builtin__", "__class__"})


def is_private(name: str) -> bool:
    """True for cell-private names: `_x`, `_` and `__`, but not dunders like `__x`."""
    return name[:1] == "_" and (name[:2] != "__" or name == "__")
