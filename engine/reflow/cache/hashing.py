"""Content hashes of Python values: equal content gives an equal hash, across processes.

Why not ``hash()`` or pickle: ``hash()`` is salted per process and identity-based for
most objects; pickle bytes depend on insertion order of sets and on memo layout. Here
every value is reduced to a SHA-256 digest of its *content*:

* primitives by their exact repr (``-0.0`` differs from ``0.0``; ``1`` from ``True``);
* str/bytes by their bytes; tuples/lists in order; dicts and sets order-independently;
* numpy arrays by dtype + shape + raw bytes, pandas objects by
  ``pd.util.hash_pandas_object`` + columns + dtypes, polars frames by row hashes +
  schema -- each only if that library is already imported (we never import it);
* modules by name, functions by module + qualified name + bytecode (see codehash),
  classes by module + qualified name;
* other objects through the pickle protocol (``__reduce_ex__``): their class and
  state, hashed recursively -- so dataclasses and most library objects work;
* an object may define ``__reflow_hash__(self) -> bytes | str`` to say what it is.

Values with no stable content (open files, generators, locks, sockets, objects
that refuse pickling) raise ``UnhashableInputError`` naming the variable, where
inside it the value sits, and its type: never a silent identity-based key.
"""

from __future__ import annotations

import hashlib
import io
import sys
import types
from collections.abc import Callable
from typing import Any

from .errors import UnhashableInputError

_PRIMITIVES = (int, float, str, bool, type(None), bytes, complex)
_PRIM_SET = frozenset(_PRIMITIVES)

# Types whose values are a moment of a process, not content.
_REFUSED: tuple[type, ...] = (
    io.IOBase,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
    types.FrameType,
    types.TracebackType,
)
_REFUSED_NAMES = frozenset(
    {
        "_thread.lock",
        "_thread.RLock",
        "threading.Condition",
        "threading.Semaphore",
        "threading.Event",
        "threading.Thread",
        "socket.socket",
        "ssl.SSLSocket",
        "_io.TextIOWrapper",
        "_io.BufferedReader",
        "_io.BufferedWriter",
        "mmap.mmap",
        "sqlite3.Connection",
        "sqlite3.Cursor",
        "multiprocessing.pool.Pool",
        "subprocess.Popen",
        "selectors.DefaultSelector",
        "weakref.ReferenceType",
    }
)


class _Unhashable(Exception):
    """Internal: carries the path outward so the error can name ``x['a'][3]``."""

    def __init__(self, type_name: str, reason: str = "") -> None:
        super().__init__(type_name)
        self.type_name = type_name
        self.reason = reason
        self.parts: list[str] = []


def _type_name(value: object) -> str:
    cls = type(value)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _sha(*chunks: bytes) -> bytes:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "little"))
        h.update(chunk)
    return h.digest()


class ContentHasher:
    """Hashes values by content; one instance per top-level value (it keeps a memo)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}  # id -> (keep-alive, digest)
        self._active: dict[int, int] = {}  # ids being hashed -> depth (cycles)

    # ----- entry point ------------------------------------------------------------
    def hash(self, value: object, name: str = "value") -> bytes:
        """The 32-byte digest of ``value``; raises UnhashableInputError naming ``name``."""
        try:
            return self._digest(value)
        except _Unhashable as exc:
            raise UnhashableInputError(name, exc.type_name, "".join(reversed(exc.parts)), exc.reason) from None
        except RecursionError:
            raise UnhashableInputError(name, _type_name(value), "", "it is nested too deeply") from None

    # ----- dispatch ----------------------------------------------------------------
    def _digest(self, value: object) -> bytes:
        cls = type(value)
        if cls in _PRIM_SET:
            return self._primitive(value)
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        if key in self._active:  # a cycle: refer to the enclosing value by depth
            return _sha(b"cycle", str(len(self._active) - self._active[key]).encode())
        self._active[key] = len(self._active)
        try:
            digest = self._compound(value, cls)
        finally:
            del self._active[key]
        self._memo[key] = (value, digest)
        return digest

    @staticmethod
    def _primitive(value: Any) -> bytes:
        cls = type(value)
        if cls is str:
            return _sha(b"str", value.encode("utf-8", "surrogatepass"))
        if cls is bytes:
            return _sha(b"bytes", value)
        return _sha(cls.__name__.encode(), repr(value).encode())

    def _compound(self, value: Any, cls: type) -> bytes:
        handler = _EXACT.get(cls)
        if handler is not None:
            return handler(self, value)
        special = getattr(cls, "__reflow_hash__", None)
        if special is not None and not isinstance(value, type):
            result = special(value)
            data = result.encode() if isinstance(result, str) else bytes(result)
            return _sha(b"custom", _type_name(value).encode(), data)
        module = cls.__module__.split(".", 1)[0]
        if module in _LIBRARIES and module in sys.modules:
            digest = _LIBRARIES[module](self, value, sys.modules[module])
            if digest is not None:
                return digest
        if isinstance(value, _REFUSED) or _type_name(value) in _REFUSED_NAMES:
            raise _Unhashable(_type_name(value), "it is live process state, not data")
        if isinstance(value, type):
            return _sha(b"type", value.__module__.encode(), value.__qualname__.encode())
        if isinstance(value, types.ModuleType):
            return _sha(b"module", value.__name__.encode())
        if isinstance(value, types.FunctionType):
            return self._function(value)
        if isinstance(
            value,
            (
                types.BuiltinFunctionType,
                types.MethodDescriptorType,
                types.WrapperDescriptorType,
                types.MethodWrapperType,
            ),
        ):
            owner = getattr(value, "__self__", None)
            owner_part = b"" if owner is None or isinstance(owner, types.ModuleType) else self._digest(owner)
            return _sha(
                b"builtin",
                str(getattr(value, "__module__", "")).encode(),
                getattr(value, "__qualname__", repr(value)).encode(),
                owner_part,
            )
        if isinstance(value, types.MethodType):
            return _sha(b"method", self._digest(value.__self__), self._digest(value.__func__))
        if isinstance(value, (list, tuple, dict, set, frozenset)):  # subclasses: content + class
            base = next(b for b in (list, tuple, dict, set, frozenset) if isinstance(value, b))
            return _sha(
                b"sub",
                _type_name(value).encode(),
                _EXACT[base](self, value),
                self._state(getattr(value, "__dict__", None)),
            )
        return self._reduce(value)

    # ----- containers ----------------------------------------------------------------
    def _sequence(self, value: list[Any] | tuple[Any, ...]) -> bytes:
        tag = type(value).__name__.encode()
        if all(type(x) in _PRIM_SET for x in value):  # fast path: one C-level repr
            return _sha(tag, b"prim", repr(value).encode("utf-8", "surrogatepass"))
        parts = []
        for i, item in enumerate(value):
            try:
                parts.append(self._digest(item))
            except _Unhashable as exc:
                exc.parts.append(f"[{i}]")
                raise
        return _sha(tag, *parts)

    def _mapping(self, value: dict[Any, Any]) -> bytes:
        items = []
        for k, v in value.items():
            try:
                items.append(self._digest(k) + self._digest(v))
            except _Unhashable as exc:
                exc.parts.append(f"[{k!r}]")
                raise
        items.sort()
        return _sha(b"dict", *items)

    def _set(self, value: set[Any] | frozenset[Any]) -> bytes:
        parts = sorted(self._digest(x) for x in value)
        return _sha(type(value).__name__.encode(), *parts)

    def _state(self, state: object) -> bytes:
        return b"" if state is None else self._digest(state)

    # ----- functions and everything else ---------------------------------------------------
    def _function(self, fn: types.FunctionType) -> bytes:
        """Code, defaults, closure and the globals it reads (a changed ``threshold`` it
        reads must change the hash even when no cell's code changed)."""
        from reflow.runtime.privates import demangle

        from .codehash import code_digest, global_names

        parts = [b"function", str(fn.__module__).encode(), fn.__qualname__.encode(), code_digest(fn.__code__)]
        try:
            parts.append(self._digest(fn.__defaults__))
            parts.append(self._digest(fn.__kwdefaults__))
            if fn.__closure__:
                parts.append(self._digest(tuple(c.cell_contents for c in fn.__closure__ if _has_contents(c))))
            gl = fn.__globals__
            for name in sorted(global_names(fn.__code__)):
                if name in gl and name != fn.__name__:
                    parts.append(demangle(name).encode() + b"=" + self._digest(gl[name]))
        except _Unhashable as exc:
            exc.parts.append(f" (used by function {fn.__qualname__})")
            raise
        return _sha(*parts)

    def _reduce(self, value: object) -> bytes:
        """Class + state via the pickle protocol; refusal to pickle means no stable content."""
        type_name = _type_name(value)
        try:
            reduced = value.__reduce_ex__(4)
        except Exception as exc:  # TypeError("cannot pickle '_thread.lock' object") and friends
            raise _Unhashable(type_name, f"it cannot be pickled ({exc})") from None
        if isinstance(reduced, str):  # a global singleton, named
            return _sha(b"global", type_name.encode(), reduced.encode())
        if not isinstance(reduced, tuple) or len(reduced) < 2:
            raise _Unhashable(type_name, "its pickle protocol is not understood")
        func, args, *rest = reduced
        state = rest[0] if rest else None
        listitems = list(rest[1]) if len(rest) > 1 and rest[1] is not None else None
        dictitems = dict(rest[2]) if len(rest) > 2 and rest[2] is not None else None
        try:
            return _sha(
                b"reduce",
                type_name.encode(),
                self._callable_name(func),
                self._digest(args),
                self._state(state),
                self._state(listitems),
                self._state(dictitems),
            )
        except _Unhashable as exc:
            exc.parts.append(f" (inside {type_name})")
            raise

    @staticmethod
    def _callable_name(func: object) -> bytes:
        module = getattr(func, "__module__", "") or ""
        return f"{module}.{getattr(func, '__qualname__', getattr(func, '__name__', repr(func)))}".encode()


def _has_contents(cell: types.CellType) -> bool:
    try:
        _ = cell.cell_contents  # an empty cell raises
    except ValueError:
        return False
    return True


_EXACT: dict[type, Callable[[ContentHasher, Any], bytes]] = {
    list: ContentHasher._sequence,
    tuple: ContentHasher._sequence,
    dict: ContentHasher._mapping,
    set: ContentHasher._set,
    frozenset: ContentHasher._set,
    bytearray: lambda self, v: _sha(b"bytearray", bytes(v)),
    memoryview: lambda self, v: _sha(b"memoryview", v.format.encode(), repr(v.shape).encode(), v.tobytes()),
    range: lambda self, v: _sha(b"range", repr((v.start, v.stop, v.step)).encode()),
    slice: lambda self, v: _sha(b"slice", self._digest((v.start, v.stop, v.step))),
    type(Ellipsis): lambda self, v: _sha(b"Ellipsis"),
    type(NotImplemented): lambda self, v: _sha(b"NotImplemented"),
}


# ----- libraries (only when the value's type says it is from them) ----------------------
def _numpy(self: ContentHasher, value: Any, np: Any) -> bytes | None:
    if isinstance(value, np.ndarray):
        head = [b"ndarray", _type_name(value).encode(), value.dtype.str.encode(), repr(value.shape).encode()]
        if value.dtype.hasobject:
            return _sha(*head, self._digest(value.tolist()))
        if value.dtype.fields is not None:
            head.append(repr(value.dtype.descr).encode())
        mask = getattr(value, "mask", None)
        if mask is not None and mask is not np.ma.nomask:
            head.append(np.ascontiguousarray(mask).tobytes())
        h = hashlib.sha256(b"".join(len(c).to_bytes(8, "little") + c for c in head))
        h.update(np.ascontiguousarray(value).view(np.uint8).reshape(-1).data if value.size else b"")
        return h.digest()
    if isinstance(value, np.generic):
        if isinstance(value, np.object_):
            return None
        return _sha(b"npscalar", value.dtype.str.encode(), value.tobytes())
    if isinstance(value, np.dtype):
        return _sha(b"npdtype", value.str.encode(), repr(value.descr).encode())
    return None


def _pandas(self: ContentHasher, value: Any, pd: Any) -> bytes | None:
    kind = None
    if isinstance(value, pd.DataFrame):
        kind = b"DataFrame"
        meta = [
            self._digest(list(value.columns)),
            repr([str(t) for t in value.dtypes]).encode(),
            self._digest(list(value.index.names)),
        ]
    elif isinstance(value, pd.Series):
        kind = b"Series"
        meta = [self._digest(value.name), str(value.dtype).encode(), self._digest(list(value.index.names))]
    elif isinstance(value, pd.Index):
        kind = b"Index"
        meta = [self._digest(list(value.names)), str(value.dtype).encode()]
    else:
        return None
    try:
        rows = pd.util.hash_pandas_object(value, index=not isinstance(value, pd.Index)).to_numpy()
        body = rows.tobytes()
    except TypeError:  # cells holding lists/dicts: hash their Python content instead
        body = self._digest(
            value.to_dict("split")
            if kind == b"DataFrame"
            else list(value.items())
            if kind == b"Series"
            else list(value)
        )
    return _sha(kind, repr(value.shape).encode(), *meta, body)


def _polars(self: ContentHasher, value: Any, pl: Any) -> bytes | None:
    if isinstance(value, pl.DataFrame):
        schema = repr([(n, str(t)) for n, t in value.schema.items()]).encode()
        rows = value.hash_rows(seed=0, seed_1=1, seed_2=2, seed_3=3) if value.height else None
        body = b"" if rows is None else _series_bytes(rows)
        return _sha(b"pl.DataFrame", schema, repr(value.shape).encode(), str(pl.__version__).encode(), body)
    if isinstance(value, pl.Series):
        body = _series_bytes(value.hash(seed=0, seed_1=1, seed_2=2, seed_3=3)) if len(value) else b""
        return _sha(b"pl.Series", value.name.encode(), str(value.dtype).encode(), str(pl.__version__).encode(), body)
    if isinstance(value, pl.LazyFrame):
        raise _Unhashable(_type_name(value), "a LazyFrame is a query, not data; collect() it first")
    return None


def _series_bytes(series: Any) -> bytes:
    try:
        return bytes(series.to_numpy().tobytes())
    except Exception:  # numpy absent
        return repr(series.to_list()).encode()


_LIBRARIES: dict[str, Callable[[ContentHasher, Any, Any], bytes | None]] = {
    "numpy": _numpy,
    "pandas": _pandas,
    "polars": _polars,
}


def content_hash(value: object, name: str = "value") -> str:
    """Hex SHA-256 of ``value``'s content; UnhashableInputError (naming ``name``) if it has none."""
    return ContentHasher().hash(value, name).hex()


def hash_inputs(values: dict[str, object]) -> bytes:
    """One digest for named inputs (order-independent); errors name the variable."""
    hasher = ContentHasher()
    parts = sorted(name.encode() + b"\0" + hasher.hash(values[name], name) for name in values)
    return _sha(b"inputs", *parts)
