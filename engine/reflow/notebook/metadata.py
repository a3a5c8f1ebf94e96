"""Helpers over the PEP 723 metadata, accepting a Notebook or its ScriptMetadata."""

from __future__ import annotations

from typing import Any, Literal

from .model import Notebook, ScriptMetadata
from .pep723 import RUNTIME_MODES


def _meta(obj: Notebook | ScriptMetadata | None) -> ScriptMetadata | None:
    return obj.metadata if isinstance(obj, Notebook) else obj


def dependencies(obj: Notebook | ScriptMetadata | None) -> list[str]:
    """Declared dependencies (empty when there is no block)."""
    md = _meta(obj)
    return md.dependencies if md else []


def requires_python(obj: Notebook | ScriptMetadata | None) -> str | None:
    """The ``requires-python`` specifier, if any."""
    md = _meta(obj)
    return md.requires_python if md else None


def reflow_config(obj: Notebook | ScriptMetadata | None) -> dict[str, Any]:
    """The ``[tool.reflow]`` table (empty dict if absent)."""
    md = _meta(obj)
    return md.reflow if md else {}


def runtime_mode(obj: Notebook | ScriptMetadata | None) -> Literal["auto", "lazy"]:
    """ "auto" unless ``[tool.reflow] runtime = "lazy"``."""
    return "lazy" if reflow_config(obj).get("runtime") == "lazy" else "auto"


def shared_privates(obj: Notebook | ScriptMetadata | None) -> bool:
    """True under ``[tool.reflow] underscore_names = "shared"``: ``_x`` names are ordinary
    globals that every cell sees, as in Jupyter (the importer sets it when a notebook needs it)."""
    return reflow_config(obj).get("underscore_names") == "shared"


def set_shared_privates(nb: Notebook) -> None:
    """Set ``[tool.reflow] underscore_names = "shared"``."""
    data = _ensure(nb)
    tool = data.setdefault("tool", {})
    tool.setdefault("reflow", {})["underscore_names"] = "shared"


OUTPUT_POSITIONS = ("above", "below")


def output_position(obj: Notebook | ScriptMetadata | None) -> Literal["above", "below"] | None:
    """``[tool.reflow] output``; None leaves it to the user's setting (an odd value too)."""
    value = reflow_config(obj).get("output")
    return value if value in OUTPUT_POSITIONS else None


def _ensure(nb: Notebook) -> dict[str, Any]:
    if nb.metadata is None:
        nb.metadata = ScriptMetadata.from_data({})
    return nb.metadata.data


def set_dependencies(nb: Notebook, deps: list[str]) -> None:
    """Replace the dependency list (the block is re-rendered on save)."""
    _ensure(nb)["dependencies"] = list(deps)


def set_requires_python(nb: Notebook, spec: str | None) -> None:
    """Set or remove ``requires-python``."""
    data = _ensure(nb)
    if spec is None:
        data.pop("requires-python", None)
    else:
        data["requires-python"] = spec


def set_runtime_mode(nb: Notebook, mode: Literal["auto", "lazy"]) -> None:
    """Set ``[tool.reflow] runtime``."""
    if mode not in RUNTIME_MODES:
        raise ValueError(f"runtime mode must be 'auto' or 'lazy', not {mode!r}")
    data = _ensure(nb)
    tool = data.setdefault("tool", {})
    tool.setdefault("reflow", {})["runtime"] = mode


def set_output_position(nb: Notebook, position: Literal["above", "below"]) -> None:
    """Set ``[tool.reflow] output`` (outputs above or below the code, a notebook setting)."""
    if position not in OUTPUT_POSITIONS:
        raise ValueError(f"output position must be 'above' or 'below', not {position!r}")
    data = _ensure(nb)
    tool = data.setdefault("tool", {})
    tool.setdefault("reflow", {})["output"] = position


__all__ = [
    "dependencies",
    "output_position",
    "reflow_config",
    "requires_python",
    "runtime_mode",
    "set_dependencies",
    "set_output_position",
    "set_requires_python",
    "set_runtime_mode",
    "set_shared_privates",
    "shared_privates",
]
