"""Issue 15: a hostile notebook file gives the normal format error, never a crash, and bad text is never saved.

Before: 100,000 nested lists in the PEP 723 block or in a cell marker's options raised
``RecursionError`` out of the parser (metadata nested ~500 deep parsed, then broke ``deepcopy``);
a NUL in a cell was saved, and the file then would not open; a lone surrogate parsed fine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow.notebook import Notebook, NotebookFormatError, parse_notebook, read_notebook, write_notebook
from reflow.notebook.limits import MAX_METADATA_DEPTH, invalid_text, too_deep

BOMB = 100_000


def _block(value: str, table: str = "") -> str:
    return f'# /// script\n# requires-python = ">=3.11"\n{table}# x = {value}\n# ///\n\n# %%\n1\n'


NESTED = {
    "pep723-array": (_block("[" * BOMB + "]" * BOMB), 1),
    "pep723-inline-table": (_block("{a = " * BOMB + "1" + "}" * BOMB), 1),
    "tool-reflow": (_block("[" * BOMB + "]" * BOMB, "# [tool.reflow]\n"), 1),
    "tool-reflow-just-parseable": (_block("[" * 300 + "]" * 300, "# [tool.reflow]\n"), 1),
    "marker-json": ("# %%\n1\n\n# %% " + '{"a": ' * BOMB + "1" + "}" * BOMB + "\n2\n", 4),
    "marker-json-parseable": ("# %%\n1\n\n# %% " + '{"a": ' * 500 + "1" + "}" * 500 + "\n2\n", 4),
    "marker-option-value": ("# %% [markdown] tags=" + "[" * BOMB + "]" * BOMB + "\n# text\n", 1),
}


@pytest.mark.parametrize("name", list(NESTED))
def test_deeply_nested_metadata_is_a_format_error(tmp_path: Path, name: str) -> None:
    text, line = NESTED[name]
    with pytest.raises(NotebookFormatError, match="levels deep") as info:
        parse_notebook(text)
    assert info.value.lineno == line
    path = tmp_path / "nb.py"
    path.write_text(text)
    with pytest.raises(NotebookFormatError):
        read_notebook(path)
    assert path.read_text() == text


def test_ordinary_nesting_still_parses() -> None:
    nb = parse_notebook(_block("[[1, 2], {a = [3]}]", "# [tool.reflow]\n") + '\n# %% {"tags": [["x"]]}\n3\n')
    assert nb.metadata is not None and nb.metadata.reflow["x"] == [[1, 2], {"a": [3]}]
    assert nb.cells[-1].options == {"tags": [["x"]]}


def test_too_deep_counts_levels_without_recursion() -> None:
    value: object = 1
    for _ in range(BOMB):
        value = [value]
    assert too_deep(value, MAX_METADATA_DEPTH)
    assert not too_deep({"a": [1, {"b": 2}]}, 3) and too_deep({"a": [1, {"b": 2}]}, 2)
    assert not too_deep("scalar", 0)


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("# %%\nx = 1\n# %%\ny = '\ud83d'\n", 4, "lone surrogate"),
        ("# %%\nx = '\x00'\n", 2, "NUL"),
    ],
)
def test_bad_text_in_a_notebook_is_a_clear_error(text: str, line: int, what: str) -> None:
    with pytest.raises(NotebookFormatError, match=what) as info:
        parse_notebook(text)
    assert info.value.lineno == line


def test_encoded_surrogate_bytes_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "nb.py"
    path.write_bytes(b"# %%\nx = '\xed\xa0\xbd'\n")
    with pytest.raises(NotebookFormatError, match="not UTF-8") as info:
        read_notebook(path)
    assert info.value.lineno == 2


@pytest.mark.parametrize(("bad", "what"), [("\x00", "NUL"), ("\udc80", "lone surrogate")])
def test_saving_bad_text_writes_nothing(tmp_path: Path, bad: str, what: str) -> None:
    path = tmp_path / "nb.py"
    original = "# %%\nx = 1\n\n# %%\ny = 2\n"
    path.write_text(original)
    nb: Notebook = read_notebook(path)
    nb.cells[1].source = f"y = '{bad}'"
    with pytest.raises(NotebookFormatError, match=what) as info:
        write_notebook(path, nb)
    assert info.value.lineno == 5 and "nothing was written" in str(info.value)
    assert path.read_text() == original and [p.name for p in tmp_path.iterdir()] == ["nb.py"]
    nb.cells[1].source = "y = 3"  # the next save, once the text is fixed, works
    write_notebook(path, nb)
    assert read_notebook(path).cells[1].source == "y = 3"


def test_invalid_text_reports_the_first_problem() -> None:
    assert invalid_text("fine 😀 text") is None
    assert invalid_text("a\x00b\ud800") == (1, "a NUL character")
    assert invalid_text("ab\ud800\x00")[0] == 2
