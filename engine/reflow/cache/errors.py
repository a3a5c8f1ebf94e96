"""Errors of the cache: refusing to cache is always better than caching wrongly."""

from __future__ import annotations


class UnhashableInputError(TypeError):
    """An input has no stable content to key a cache on (open file, generator, lock...).

    ``name`` is the variable (or argument) as the user wrote it, ``path`` where
    inside it the offending value sits (``data['x'][3]``), ``type_name`` its type.
    """

    def __init__(self, name: str, type_name: str, path: str = "", reason: str = "") -> None:
        self.name = name
        self.type_name = type_name
        self.path = path
        self.reason = reason
        where = f"{name}{path}" if path else name
        why = f": {reason}" if reason else ""
        super().__init__(
            f"cannot cache: input '{where}' is a {type_name}, which has no stable content to hash{why}. "
            f"Pass a value that can be hashed by content (numbers, strings, containers, arrays, "
            f"data frames, picklable objects) or compute it inside the cached block."
        )
