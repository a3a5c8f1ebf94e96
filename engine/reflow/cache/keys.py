"""Cache keys: what must be equal for a cached result to still be right.

A key covers (sha256, hex):
* the cache format and the Python version (pickles and bytecode differ across versions);
* the code that produced the result -- the cell (or block) itself, normalised so
  comments and formatting do not matter (``codehash.source_digest``);
* the code of every cell it depends on transitively, as a *sorted set* of digests:
  cell ids are per session, so they must not enter the key;
* the content of every input value it reads (``hashing``), by name.

Changing an upstream cell or an input's content changes the key; changing an
unrelated cell does not.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable, Iterable, Mapping

from .codehash import source_digest
from .hashing import hash_inputs
from .store import PYTHON

KEY_VERSION = b"reflow-cache-key-1"


class _Missing:
    """Stands for an input that is not defined (the code will raise NameError anyway)."""

    def __reflow_hash__(self) -> bytes:
        return b"missing"


MISSING = _Missing()


def digest_key(*parts: bytes) -> str:
    """Hex key from ordered parts (length-prefixed, so parts cannot run together)."""
    h = hashlib.sha256(KEY_VERSION + b"\0" + PYTHON.encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def ancestor_digests(graph: object, code_of: Callable[[str], str], cell_id: str) -> bytes:
    """Sorted digests of the code of the cell's transitive ancestors (order/id independent)."""
    # graph: a reflow.graph.DataflowGraph; typed as object so the cache never imports the graph
    digests = sorted(source_digest(code_of(a)) for a in graph.ancestors(cell_id))  # type: ignore[attr-defined]
    return b"".join(digests)


def input_values(names: Iterable[str], namespace: Mapping[str, object]) -> dict[str, object]:
    """The values of ``names`` in the namespace; builtins are skipped, undefined names marked."""
    values: dict[str, object] = {}
    for name in names:
        if name in namespace:
            values[name] = namespace[name]
        elif not hasattr(builtins, name):
            values[name] = MISSING
    return values


def cell_key(graph: object, code_of: Callable[[str], str], cell_id: str, namespace: Mapping[str, object]) -> str:
    """Key of a whole cell: its code, its ancestors' code, its refs' values."""
    analysis = graph.analysis(cell_id)  # type: ignore[attr-defined]  # a DataflowGraph (see ancestor_digests)
    inputs = input_values(sorted(analysis.refs), namespace)
    return digest_key(
        b"cell", source_digest(code_of(cell_id)), ancestor_digests(graph, code_of, cell_id), hash_inputs(inputs)
    )
