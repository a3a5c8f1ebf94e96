"""The environment key: a short hash of everything that determines an environment's contents.

(interpreter identity, requires-python, normalised dependencies, [tool.uv]
settings, lock file content, the ipykernel requirement and the recipe version.)
Same inputs → same directory, so reopening is a directory lookup; any change →
a new directory, so the previous environment keeps working until the new one is
complete.
"""

from __future__ import annotations

import hashlib
import json

from .pythons import Interpreter
from .spec import EnvSpec

RECIPE_VERSION = 2  # bump when the build steps change what ends up in an env (2: orjson beside ipykernel)
IPYKERNEL_REQUIREMENT = "ipykernel>=6.29"
# Installed with ipykernel, before the notebook's own packages (its pins win): jupyter_client packs the
# kernel's messages with orjson when present, ~10x faster than json for a print loop's megabytes.
KERNEL_EXTRAS = ("orjson>=3.10",)
KEY_LENGTH = 16  # hex chars; short keeps Windows paths under MAX_PATH


def key_material(spec: EnvSpec, python: Interpreter) -> dict[str, object]:
    """The exact data hashed (also handy for debugging why two keys differ)."""
    return {
        "recipe": RECIPE_VERSION,
        "ipykernel": IPYKERNEL_REQUIREMENT,
        "python": python.identity(),
        "requires_python": (spec.requires_python or "").strip() if spec.has_block else "",
        "dependencies": spec.normalized_dependencies(),
        "tool_uv": spec.tool_uv,
        "lock": spec.lock_sha256,
    }


def environment_key(spec: EnvSpec, python: Interpreter) -> str:
    material = json.dumps(key_material(spec, python), sort_keys=True, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:KEY_LENGTH]
