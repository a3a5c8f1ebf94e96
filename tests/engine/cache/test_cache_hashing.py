"""Content hashing: equal content -> equal hash; different content or type -> different;
no stable content -> a clear UnhashableInputError."""

from __future__ import annotations

import collections
import dataclasses
import enum
import io
import sys
import threading

import pytest

from reflow.cache.errors import UnhashableInputError
from reflow.cache.hashing import content_hash, hash_inputs


def h(value: object) -> str:
    return content_hash(value)


def test_primitives_distinguish_type_and_value():
    values = [0, 1, True, False, 0.0, -0.0, 1.0, "1", b"1", None, 1j, float("inf")]
    assert len({h(v) for v in values}) == len(values)
    assert h(float("nan")) == h(float("nan"))
    assert h(10**100) != h(10**100 + 1)


def test_containers_by_content_and_order_rules():
    assert h([1, 2, 3]) == h([1, 2, 3])
    assert h([1, 2, 3]) != h([3, 2, 1])  # sequences keep order
    assert h([1, 2]) != h((1, 2))  # and their type
    assert h({"a": 1, "b": [2]}) == h({"b": [2], "a": 1})  # dicts do not
    assert h({3, 1, 2}) == h({1, 2, 3})
    assert h({1, 2}) != h(frozenset({1, 2}))
    nested = {"x": [1, {"y": (2, 3.5)}], "z": {b"k"}}
    assert h(nested) == h({"z": {b"k"}, "x": [1, {"y": (2, 3.5)}]})
    assert h([[1], [2]]) != h([[1, 2]])


def test_mutating_an_element_changes_the_hash():
    data = [1, [2, 3], {"k": [4]}]
    before = h(data)
    data[2]["k"][0] = 5
    assert h(data) != before


def test_cycles_and_shared_references():
    a: list = [1]
    a.append(a)
    b: list = [1]
    b.append(b)
    assert h(a) == h(b)
    shared = [1, 2]
    assert h([shared, shared]) == h([[1, 2], [1, 2]])


@dataclasses.dataclass
class Point:
    x: int
    tags: list


class Color(enum.Enum):
    RED = 1
    BLUE = 2


def test_objects_via_their_state():
    assert h(Point(1, ["a"])) == h(Point(1, ["a"]))
    assert h(Point(1, ["a"])) != h(Point(1, ["b"]))
    assert h(Color.RED) != h(Color.BLUE)
    Pair = collections.namedtuple("Pair", "a b")
    assert h(Pair(1, 2)) != h((1, 2))
    assert h(collections.OrderedDict(a=1)) != h({"a": 1})


def test_functions_modules_and_classes():
    def f(x):
        return x + 1

    def g(x):
        return x + 2

    assert h(f) != h(g)
    assert h(sys) == h(sys)
    assert h(len) != h(print)
    assert h(Point) != h(Color)


class Custom:
    def __init__(self, key: str) -> None:
        self.key = key
        self.lock = threading.Lock()

    def __reflow_hash__(self) -> str:
        return self.key


def test_reflow_hash_protocol():
    assert h(Custom("a")) == h(Custom("a")) != h(Custom("b"))


@pytest.mark.parametrize(
    "value, type_name",
    [
        (io.StringIO("x"), "_io.StringIO"),
        ((i for i in range(3)), "generator"),
        (threading.Lock(), "_thread.lock"),
    ],
)
def test_unhashable_values_name_variable_and_type(value, type_name):
    with pytest.raises(UnhashableInputError) as info:
        hash_inputs({"ok": 1, "conn": {"inner": [0, value]}})
    err = info.value
    assert err.name == "conn" and err.type_name == type_name
    assert "conn['inner'][1]" in str(err) and type_name in str(err)


def test_open_file_is_refused(tmp_path):
    with open(tmp_path / "f.txt", "w") as f:
        with pytest.raises(UnhashableInputError, match=r"'handle'.*TextIOWrapper"):
            content_hash(f, "handle")


def test_object_holding_a_lock_is_refused():
    class Holder:
        def __init__(self) -> None:
            self.lock = threading.Lock()

    with pytest.raises(UnhashableInputError, match="holder"):
        content_hash(Holder(), "holder")


def test_hash_is_stable_across_processes(tmp_path):
    import subprocess

    code = (
        "from reflow.cache.hashing import content_hash;"
        "print(content_hash({'a': [1, 2.5, 'x', (None, b'y')], 'b': {3, 4}}))"
    )
    out = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": str(seed), "PYTHONPATH": ":".join(sys.path)},
        ).stdout
        for seed in (1, 2)
    }
    assert len(out) == 1 and out.pop().strip() == h({"a": [1, 2.5, "x", (None, b"y")], "b": {3, 4}})


def test_numpy_arrays_by_dtype_shape_and_bytes():
    np = pytest.importorskip("numpy")
    a = np.arange(12, dtype="int64").reshape(3, 4)
    assert h(a) == h(a.copy())
    assert h(a) != h(a.astype("int32"))
    assert h(a) != h(a.reshape(4, 3))
    assert h(a[:, ::2]) == h(np.ascontiguousarray(a[:, ::2]))
    b = a.copy()
    b[1, 1] = 99
    assert h(a) != h(b)
    assert h(np.float64(1.0)) != h(np.float32(1.0))
    assert h(np.array(["a", None], dtype=object)) == h(np.array(["a", None], dtype=object))


def test_pandas_frames_by_content():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert h(df) == h(df.copy())
    assert h(df) != h(df.rename(columns={"a": "c"}))
    assert h(df) != h(df.astype({"a": "float64"}))
    changed = df.copy()
    changed.loc[0, "a"] = 5
    assert h(df) != h(changed)
    assert h(df["a"]) != h(df["a"].rename("z"))
