"""A Reflow notebook survives ``jupytext --to ipynb`` and back ``--to py:percent``.

Jupytext turns the text above the first marker (the PEP 723 block) into a first
code cell, so the file it writes back has ``# %%`` above the block, and with a
notebook metadata filter it also adds a ``# ---`` YAML header. Reflow reads such a
file with the same cells and dependencies, and saves it in its own form again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

jupytext = pytest.importorskip("jupytext")

from reflow.notebook import (  # noqa: E402
    Notebook,
    ScriptMetadata,
    parse_notebook,
    read_notebook,
    render_notebook,
)

sys.path.insert(0, str(Path(__file__).parent))
from notebook_strategies import normalized, notebooks  # noqa: E402

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.py"))

WITH_HEADER = """#!/usr/bin/env python
# My notebook

# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "pandas>=2",
#     "scikit-learn",
# ]
# [tool.reflow]
# runtime = "lazy"
# ///

# %% [markdown]
# # Title

# %% hide_code=true
import pandas as pd


# %%
x = 1
"""

CODE_AFTER_BLOCK = """# /// script
# dependencies = ["rich"]
# ///
import os

# %%
x = os.sep
"""

SOURCES = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLES}
SOURCES |= {"with_header": WITH_HEADER, "code_after_block": CODE_AFTER_BLOCK}


def _cells(nb: Notebook) -> list[tuple[str, str, dict]]:
    return [(c.kind, normalized(c.source), c.options) for c in nb.cells]


def _jupytext(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "jupytext", "--quiet", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _round_trip(tmp_path: Path, text: str, *extra: str) -> str:
    src = tmp_path / "nb.py"
    src.write_text(text, encoding="utf-8")
    _jupytext("--to", "ipynb", str(src), "-o", str(tmp_path / "nb.ipynb"))
    _jupytext("--to", "py:percent", *extra, str(tmp_path / "nb.ipynb"), "-o", str(tmp_path / "back.py"))
    return (tmp_path / "back.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_cli_round_trip_gives_the_same_notebook_and_file(tmp_path: Path, name: str):
    original = SOURCES[name]
    back = _round_trip(tmp_path, original)
    assert back != original and "# %%\n" in back.split("# /// script")[0]  # what jupytext really writes
    before, after = parse_notebook(original), read_notebook(tmp_path / "back.py")
    assert after.metadata is not None and before.metadata is not None
    assert after.metadata.data == before.metadata.data
    assert after.metadata.dependencies == before.metadata.dependencies
    assert _cells(after) == _cells(before)
    assert render_notebook(after) == original  # saved in Reflow's form: jupytext's marker is gone


def test_jupytext_yaml_header_is_kept_as_comments(tmp_path: Path):
    back = _round_trip(tmp_path, WITH_HEADER, "--update-metadata", '{"jupytext": {"notebook_metadata_filter": "all"}}')
    assert "# jupyter:" in back and "format_name: percent" in back
    nb = parse_notebook(back)
    assert _cells(nb) == _cells(parse_notebook(WITH_HEADER))
    assert nb.metadata.dependencies == ["pandas>=2", "scikit-learn"]
    assert "# jupyter:" in nb.header and "# %%\n# My notebook" not in render_notebook(nb)
    assert jupytext.reads(render_notebook(nb), fmt="py:percent").cells[0].source.startswith("# My notebook")


def test_second_round_trip_is_stable(tmp_path: Path):
    once = render_notebook(parse_notebook(_round_trip(tmp_path, WITH_HEADER)))
    twice = render_notebook(parse_notebook(_round_trip(tmp_path, once)))
    assert once == twice == WITH_HEADER


def test_an_edit_after_the_round_trip_saves_only_the_edit(tmp_path: Path):
    nb = parse_notebook(_round_trip(tmp_path, WITH_HEADER))
    nb.cells[-1].source = "x = 2"
    assert render_notebook(nb) == WITH_HEADER.replace("x = 1", "x = 2")


_DEPS = st.lists(
    st.sampled_from(["pandas>=2", "numpy", "rich==13.7.1", "scikit-learn", "polars[all]"]), unique=True, max_size=4
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(notebooks(), _DEPS, st.sampled_from(["auto", "lazy"]))
def test_generated_notebooks_survive_the_api_round_trip(nb: Notebook, deps: list[str], runtime: str):
    nb.metadata = ScriptMetadata.from_data(
        {"requires-python": ">=3.11", "dependencies": deps, "tool": {"reflow": {"runtime": runtime}}}
    )
    text = render_notebook(nb)
    ipynb = jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="ipynb")
    back = jupytext.writes(jupytext.reads(ipynb, fmt="ipynb"), fmt="py:percent")
    again = parse_notebook(back)
    assert again.metadata is not None and again.metadata.data == nb.metadata.data
    assert _cells(again) == _cells(parse_notebook(text))
