"""Top-level ``with reflow.persistent_cache(...):`` blocks, run by the executor itself.

Why not the ``sys.settrace`` + exception trick a peer uses to skip a with-body: it
costs tracing, fights debuggers and coverage, and breaks under some interpreters.
A cell's top-level statements are already compiled by the runtime, so the
executor splits a cell around such blocks (``find_blocks``/``compile_block``) and
runs each block as: evaluate the context expression -> compute the key ->
restore the block's variables on a hit, or run the body and store them on a miss.

The key (see ``keys``) covers the block's code, the cell's code before it, the
code of the cell's transitive ancestors, the content of every value the block
reads, and the Python version. Stdout/stderr written by the body is stored too and
replayed on a hit, so a restored cell looks like the run it replaces.

If the context expression turns out not to be a ``PersistentCache`` (a user's own
``persistent_cache``), the statement runs as a normal ``with``.
"""

from __future__ import annotations

import ast
import importlib
import pickle
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from reflow.analysis import analyze_cell

from .codehash import source_digest
from .hashing import hash_inputs
from .keys import digest_key, input_values
from .persistent import PersistentCache
from .store import CacheWriteError

CTX_NAME = "__reflow_cache_block__"
Emit = Callable[[str, str], None]


def is_cache_block(node: ast.stmt) -> bool:
    """``with <...>persistent_cache(...) [as x]:`` with a single item (cheap, syntactic)."""
    if not isinstance(node, ast.With) or len(node.items) != 1:
        return False
    expr = node.items[0].context_expr
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    return (isinstance(func, ast.Name) and func.id == "persistent_cache") or (
        isinstance(func, ast.Attribute) and func.attr == "persistent_cache"
    )


@dataclass
class BlockSpec:
    """One compiled cache block of a cell."""

    context: CodeType  # eval: the persistent_cache(...) expression
    body: CodeType  # exec: the block's statements
    fallback: CodeType  # exec: the whole with, its expression read from CTX_NAME
    bind: CodeType | None  # exec: ``<as-target> = CTX_NAME``
    code_digest: bytes  # block code + the cell's code before it
    outputs: tuple[str, ...]  # names the block binds (defs and privates)
    inputs: tuple[str, ...]  # names the block reads from outside itself
    lineno: int = 0
    label: str = field(default="")  # "line N" for messages


def compile_block(
    node: ast.With, before: list[ast.stmt], filename: str, after: list[ast.AST] | None = None
) -> BlockSpec:
    """Compile a cache block; ``before``/``after`` are the cell's other statements.

    The block stores its defs, plus the private names it binds that code after it
    in the cell reads (other privates -- ``with open(...) as _f`` -- are not kept).
    """
    item = node.items[0]
    context = compile(ast.Expression(item.context_expr), filename, "eval", dont_inherit=True)
    body = compile(ast.Module(body=node.body, type_ignores=[]), filename, "exec", dont_inherit=True)
    replaced = ast.With(items=[ast.withitem(ast.Name(CTX_NAME, ast.Load()), item.optional_vars)], body=node.body)
    ast.copy_location(replaced, node)
    ast.fix_missing_locations(replaced)
    fallback = compile(ast.Module(body=[replaced], type_ignores=[]), filename, "exec", dont_inherit=True)
    bind = None
    if item.optional_vars is not None:
        assign = ast.Assign(targets=[item.optional_vars], value=ast.Name(CTX_NAME, ast.Load()))
        ast.copy_location(assign, node)
        ast.fix_missing_locations(assign)
        bind = compile(ast.Module(body=[assign], type_ignores=[]), filename, "exec", dont_inherit=True)
    block_text = ast.unparse(node)
    before_text = ast.unparse(ast.Module(body=before, type_ignores=[])) if before else ""
    analysis = analyze_cell(block_text)
    later = {n.id for stmt in after or () for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    outputs = analysis.defs | (analysis.privates & later)
    loads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    privates_read = {n for n in loads if n.startswith("_") and n not in analysis.privates}
    inputs = analysis.refs | analysis.builtin_refs | privates_read
    return BlockSpec(
        context=context,
        body=body,
        fallback=fallback,
        bind=bind,
        code_digest=source_digest(block_text) + source_digest(before_text),
        outputs=tuple(sorted(outputs)),
        inputs=tuple(sorted(inputs)),
        lineno=node.lineno,
        label=f"line {node.lineno}",
    )


@dataclass
class BlockContext:
    """What the runtime tells a block about its cell (for the key and the UI)."""

    ancestors: Callable[[], bytes]  # sorted digests of ancestor cells' code
    on_hit: Callable[[float], None] = lambda seconds: None


def run_block(spec: BlockSpec, namespace: dict[str, Any], emit: Emit, context: BlockContext) -> None:
    """Restore the block's variables from the cache, or run it and store them."""
    cache = eval(spec.context, namespace)
    if not isinstance(cache, PersistentCache):
        namespace[CTX_NAME] = cache
        try:
            exec(spec.fallback, namespace)
        finally:
            namespace.pop(CTX_NAME, None)
        return
    if spec.bind is not None:
        namespace[CTX_NAME] = cache
        try:
            exec(spec.bind, namespace)
        finally:
            namespace.pop(CTX_NAME, None)
    name = cache.name or "block"
    inputs = input_values(spec.inputs, namespace)
    key = digest_key(b"block", spec.code_digest, context.ancestors(), hash_inputs(inputs))
    store = cache.store(namespace)
    entry = store.load(name, key)
    restored = _restore(entry.value) if entry is not None else None
    if entry is not None and restored is not None:
        namespace.update(restored)
        for stream, text in entry.value.get("streams", ()):
            emit(stream, text)
        context.on_hit(entry.saved_seconds)
        return
    streams: list[tuple[str, str]] = []
    start = time.perf_counter()
    with _tee(streams):
        exec(spec.body, namespace)
    elapsed = time.perf_counter() - start
    values = {
        n: _ModuleRef(v.__name__) if isinstance(v, types.ModuleType) else v
        for n, v in namespace.items()
        if n in spec.outputs
    }
    try:
        path = store.save(
            name,
            key,
            {"values": values, "streams": _merge(streams)},
            seconds=elapsed,
            meta={"names": sorted(values), "line": spec.lineno},
        )
    except CacheWriteError as exc:
        emit("stderr", f"reflow: persistent_cache({name!r}) was not saved: {_culprit(values) or exc}\n")
        return
    if path is None:
        emit(
            "stderr",
            f"reflow: persistent_cache({name!r}) was not saved: the result is larger "
            f"than the cache size limit ({store.max_bytes} bytes)\n",
        )


class _Tee:
    """Wraps sys.stdout/stderr during a block body, recording what it writes."""

    def __init__(self, target: Any, stream: str, record: list[tuple[str, str]]) -> None:
        self._target = target
        self._stream = stream
        self._record = record

    def write(self, text: str) -> int:
        if text:
            self._record.append((self._stream, text))
        return int(self._target.write(text))

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._target, attr)


class _tee:
    def __init__(self, record: list[tuple[str, str]]) -> None:
        self._record = record

    def __enter__(self) -> None:
        self._old = sys.stdout, sys.stderr
        sys.stdout = _Tee(sys.stdout, "stdout", self._record)
        sys.stderr = _Tee(sys.stderr, "stderr", self._record)

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self._old


def _merge(streams: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for stream, text in streams:
        if merged and merged[-1][0] == stream:
            merged[-1] = (stream, merged[-1][1] + text)
        else:
            merged.append((stream, text))
    return merged


def run_plain(spec: BlockSpec, namespace: dict[str, Any]) -> None:
    """Run a cache block as the plain ``with`` statement it is (no runtime context)."""
    namespace[CTX_NAME] = eval(spec.context, namespace)
    try:
        exec(spec.fallback, namespace)
    finally:
        namespace.pop(CTX_NAME, None)


class _ModuleRef:
    """A module bound by a cached block is stored by name and re-imported on restore."""

    def __init__(self, name: str) -> None:
        self.name = name


def _restore(payload: Any) -> dict[str, Any] | None:
    """The variables of a stored block, modules re-imported; None if unusable (a miss)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), dict):
        return None
    values = dict(payload["values"])
    try:
        for name, value in values.items():
            if isinstance(value, _ModuleRef):
                values[name] = importlib.import_module(value.name)
    except ImportError:
        return None
    return values


def _culprit(values: dict[str, Any]) -> str | None:
    """Which variable cannot be pickled, for a message that names it."""
    for name, value in values.items():
        try:
            pickle.dumps(value, protocol=5)
        except Exception as exc:
            return f"variable '{name}' ({type(value).__name__}) cannot be pickled: {exc}"
    return None
