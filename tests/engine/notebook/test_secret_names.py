"""``[tool.reflow] secrets`` from a hostile file: only a bounded list of plain variable names opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow.notebook import NotebookFormatError, read_notebook
from reflow.notebook.metadata import reflow_config
from reflow.notebook.secret_names import MAX_SECRETS, declared_secrets, secrets_problem


def _notebook(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "nb.py"
    path.write_text(f"# /// script\n# [tool.reflow]\n# secrets = {value}\n# ///\n\n# %%\nx = 1\n")
    return path


def test_a_list_of_names_is_read(tmp_path: Path) -> None:
    nb = read_notebook(_notebook(tmp_path, '["OPENAI_API_KEY", "db_password", "_X1"]'))
    assert declared_secrets(reflow_config(nb)) == ["OPENAI_API_KEY", "db_password", "_X1"]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('"OPENAI_API_KEY"', "must be a list of environment variable names"),
        ("[1]", "names as strings, not int"),
        ('["A-B"]', "'A-B' is not an environment variable name"),
        ('["1ABC"]', "not an environment variable name"),
        ('["A B"]', "not an environment variable name"),
        ('["A\\u0000B"]', "not an environment variable name"),
        ('[""]', "not an environment variable name"),
        ('["' + "A" * 129 + '"]', "at most 128 characters"),
        ('["PATH"]', "'PATH' is a variable the kernel's start depends on"),
        ('["PYTHONPATH"]', "the kernel's start depends on"),
        ('["LD_PRELOAD"]', "the kernel's start depends on"),
        ('["ld_preload"]', "the kernel's start depends on"),
        ('["REFLOW_SECRETS"]', "the kernel's start depends on"),
        ('["JPY_SESSION_NAME"]', "the kernel's start depends on"),
        ('["KEY", "key"]', "lists 'key' twice"),
        ("[" + ", ".join(f'"K{i}"' for i in range(MAX_SECRETS + 1)) + "]", f"at most {MAX_SECRETS} are allowed"),
        ('{ a = "b" }', "must be a list"),
    ],
)
def test_hostile_values_are_refused_with_a_clear_error(tmp_path: Path, value: str, says: str) -> None:
    with pytest.raises(NotebookFormatError) as info:
        read_notebook(_notebook(tmp_path, value))
    assert says in str(info.value)
    assert "[tool.reflow] secrets" in str(info.value)
    assert info.value.lineno == 1  # the block that holds it


def test_a_long_hostile_name_is_shortened_in_the_message() -> None:
    problem = secrets_problem(["x" * 5000 + "-"])
    assert problem is not None and len(problem) < 300


def test_declared_secrets_ignores_what_validation_refuses() -> None:
    assert declared_secrets({"secrets": ["PATH"]}) == []
    assert declared_secrets({}) == []
