"""The environment key and the spec it is computed from (no uv needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reflow.notebook import NotebookFormatError
from reflow_desktop.envs.errors import EnvError
from reflow_desktop.envs.key import environment_key
from reflow_desktop.envs.pythons import Interpreter, python_request
from reflow_desktop.envs.spec import EnvSpec, lock_file, read_spec

PY = Interpreter(Path(sys.executable), 100, 1)


def key(**kw: object) -> str:
    return environment_key(EnvSpec(has_block=True, **kw), PY)  # type: ignore[arg-type]


def test_dependencies_change_the_key() -> None:
    assert key(dependencies=("six",)) != key(dependencies=("six", "tomli"))
    assert key(dependencies=("six",)) != key(dependencies=("six==1.16",))


def test_cosmetic_dependency_changes_keep_the_key() -> None:
    assert key(dependencies=("six", "tomli")) == key(dependencies=("tomli", "six"))
    assert key(dependencies=("six>=1.0",)) == key(dependencies=("six >= 1.0",))


def test_lock_requires_python_tool_uv_and_interpreter_change_the_key() -> None:
    base = key(dependencies=("six",))
    assert key(dependencies=("six",), lock_sha256="a" * 64) != base
    assert key(dependencies=("six",), lock_sha256="a" * 64) != key(dependencies=("six",), lock_sha256="b" * 64)
    assert key(dependencies=("six",), requires_python=">=3.12") != base
    assert key(dependencies=("six",), tool_uv={"index-url": "https://example.invalid"}) != base
    other = Interpreter(Path(sys.executable), 100, 2)  # replaced in place (e.g. patch upgrade)
    assert environment_key(EnvSpec(has_block=True, dependencies=("six",)), other) != base


def test_spec_reads_block_and_lock(make_notebook) -> None:
    nb = make_notebook(dependencies=["six", "tomli>=2"])
    spec = read_spec(nb)
    assert spec.dependencies == ("six", "tomli>=2") and spec.requires_python == ">=3.11"
    assert spec.lock_sha256 is None and spec.needs_sync
    lock_file(nb).write_text("version = 1\n")
    assert read_spec(nb).lock_sha256 is not None
    assert lock_file(nb).name == "nb.py.lock"


def test_notebooks_without_block_share_one_key(make_notebook) -> None:
    a = read_spec(make_notebook("a.py", dependencies=None))
    b = read_spec(make_notebook("b.py", dependencies=None, body="x = 1\n"))
    assert not a.needs_sync
    assert environment_key(a, PY) == environment_key(b, PY)


def test_broken_block_raises_format_error_with_line(tmp_path: Path) -> None:
    nb = tmp_path / "broken.py"
    nb.write_text('# /// script\n# dependencies = ["six"\n# ///\n# %%\nx = 1\n')
    with pytest.raises(NotebookFormatError) as info:
        read_spec(nb)
    assert info.value.lineno is not None and 1 <= info.value.lineno <= 3


def test_python_request_adds_engine_minimum() -> None:
    assert python_request(None) == ">=3.11"
    assert python_request(">=3.11") == ">=3.11"
    assert set(python_request(">=3.9,<3.13").split(",")) == {">=3.9", "<3.13", ">=3.11"}
    with pytest.raises(EnvError, match="not a valid version specifier"):
        python_request("three")
