"""Replace secret values by ``••••`` wherever they would leave the process: outputs, journal, exports.

Used on both sides: the kernel masks every comm message before it is sent and journaled
(``reflow.kernel.handler``), the app masks what it writes from older outputs (exports). The kernel
learns which of its environment variables are secrets from ``REFLOW_SECRETS`` (their names, set by
the app next to the values); the values are read once, at start, so a cell that changes
``os.environ`` does not unmask them. Every string of a message is masked (keys too): text, HTML,
JSON and any other mime type alike. Values shorter than ``MIN_LENGTH`` are left alone: masking a
one- or two-character value would mangle every output. A secret printed in another form (escaped,
encoded, split across two writes) is not recognised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "••••"
MIN_LENGTH = 4
NAMES_VARIABLE = "REFLOW_SECRETS"  # the names, comma separated (values are in their own variables)
# base64 payloads: a secret cannot be readable text in them, and a short one could match by chance and break the image
_BINARY_MIME = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf"})


class SecretMask:
    """Masks a fixed set of values; with none, ``message`` is the identity at the cost of one test."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        kept = sorted({v for v in values if len(v) >= MIN_LENGTH}, key=len, reverse=True)  # longest first
        self._pattern = re.compile("|".join(re.escape(v) for v in kept)) if kept else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def text(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(MASK, text)

    def message(self, value: Any) -> Any:
        """``value`` (JSON-like: dicts, lists, strings...) with every secret masked; unchanged parts are shared."""
        if self._pattern is None:
            return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {
                self.text(k) if isinstance(k, str) else k: v if k in _BINARY_MIME else self._walk(v)
                for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self._walk(v) for v in value]
        return value


def from_environment(environ: Mapping[str, str] | None = None) -> SecretMask:
    """The mask for the secrets the app put in this process's environment (``REFLOW_SECRETS``)."""
    env = os.environ if environ is None else environ
    names = [n for n in env.get(NAMES_VARIABLE, "").split(",") if n]
    return SecretMask(env[n] for n in names if n in env)
