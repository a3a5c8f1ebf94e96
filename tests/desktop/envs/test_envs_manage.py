"""Adding and removing packages edits the notebook's block through uv."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow.notebook import read_notebook
from reflow_desktop.envs import PackageEditError, add_package, ensure_environment, remove_package

pytestmark = pytest.mark.uv


def test_add_and_remove_edit_the_block(make_notebook, cache_root: Path) -> None:
    nb = make_notebook(dependencies=["six"])
    lines: list[str] = []
    deps = add_package(nb, "iniconfig", progress=lines.append)
    assert any(d.startswith("iniconfig") for d in deps) and "six" in deps
    assert read_notebook(nb).metadata.dependencies == deps
    assert "import six" in nb.read_text()  # cells untouched
    assert lines  # uv's resolver output streamed
    env = ensure_environment(nb, cache_root=cache_root)
    assert env.created
    deps = remove_package(nb, "iniconfig")
    assert deps == ["six"]


def test_add_to_a_notebook_without_block_creates_one(make_notebook) -> None:
    nb = make_notebook(dependencies=None, body="x = 1\n")
    deps = add_package(nb, "six")
    assert deps and deps[0].startswith("six")
    assert read_notebook(nb).cells[-1].source.strip() == "x = 1"


def test_failed_add_changes_nothing(make_notebook) -> None:
    nb = make_notebook(dependencies=["six"])
    before = nb.read_bytes()
    with pytest.raises(PackageEditError) as info:
        add_package(nb, "this-package-does-not-exist-reflow-xyz")
    assert "this-package-does-not-exist-reflow-xyz" in info.value.uv_output
    assert nb.read_bytes() == before
