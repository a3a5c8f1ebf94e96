"""What identifies a cached function across re-runs of its cell: name + code + globals.

A function's *version* digest covers its module and qualified name, its bytecode
(nested functions included; no line numbers or cell ids), its defaults and
closure, and the content of the globals it reads, taken when it is decorated.
Why globals at decoration: a function reading ``threshold`` from another cell must
not return results computed for the old threshold -- and the defining cell re-runs
whenever ``threshold`` is reassigned, so hashing once per definition is enough
(in-place mutation is not tracked, as everywhere in Reflow).

Re-running the defining cell with unchanged code and inputs gives the same
version, so results survive it; editing the code gives a new version.
"""

from __future__ import annotations

import builtins
import inspect
import types
from collections.abc import Callable
from typing import Any

from reflow.runtime.privates import demangle

from .codehash import code_digest, global_names
from .errors import UnhashableInputError
from .hashing import ContentHasher, _sha
from .keys import MISSING


def function_version(fn: Callable[..., Any]) -> bytes:
    """Digest of the function's identity, code and hidden inputs (globals it reads)."""
    code = getattr(fn, "__code__", None)
    qualname = getattr(fn, "__qualname__", repr(fn))
    hasher = ContentHasher()
    parts = [b"fn", str(getattr(fn, "__module__", "")).encode(), qualname.encode()]
    if code is None:  # a builtin or callable object: its identity is all we have
        return _sha(*parts)
    parts.append(code_digest(code))
    parts.append(hasher.hash((fn.__defaults__, fn.__kwdefaults__), f"defaults of {qualname}"))
    if fn.__closure__:
        cells = []
        for var, cell in zip(code.co_freevars, fn.__closure__, strict=True):
            try:
                cells.append((var, cell.cell_contents))
            except ValueError:  # not yet bound
                cells.append((var, MISSING))
        parts.append(hasher.hash(tuple(cells), f"closure of {qualname}"))
    gl = getattr(fn, "__globals__", {})
    for name in sorted(global_names(code)):
        if name == getattr(fn, "__name__", None):
            continue  # recursion: the name is the function being defined
        if name in gl:
            value = gl[name]
            if isinstance(value, types.ModuleType):
                parts.append(_sha(b"module", name.encode(), value.__name__.encode()))
            else:
                parts.append(demangle(name).encode() + b"=" + _hash_global(hasher, name, value, qualname))
        elif not hasattr(builtins, name):
            parts.append(demangle(name).encode() + b"=<missing>")
    return _sha(*parts)


def _hash_global(hasher: ContentHasher, name: str, value: object, qualname: str) -> bytes:
    try:
        return hasher.hash(value, name)
    except UnhashableInputError as exc:
        exc.args = (
            f"{exc.args[0]} (it is a global read by cached function {qualname}; "
            f"pass it as an argument or define it inside the function)",
        )
        raise


def arguments_digest(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    """Digest of a call's arguments; errors name the parameter."""
    hasher = ContentHasher()
    names = _parameter_names(fn, len(args))
    parts = [hasher.hash(a, names[i]) for i, a in enumerate(args)]
    parts += sorted(k.encode() + b"=" + hasher.hash(v, k) for k, v in kwargs.items())
    return _sha(b"args", str(len(args)).encode(), *parts)


def _parameter_names(fn: Callable[..., Any], count: int) -> list[str]:
    code = getattr(fn, "__code__", None)
    names: list[str] = []
    if code is not None:
        names = list(code.co_varnames[: code.co_argcount])
    else:
        try:
            names = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            pass
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]
