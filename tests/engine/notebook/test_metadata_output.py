"""[tool.reflow] output: read, set, and only the block changes in the file."""

from __future__ import annotations

import pytest

from reflow.notebook import parse_notebook, render_notebook
from reflow.notebook.metadata import output_position, set_output_position, set_runtime_mode

TEXT = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy"]
# ///

# %%
x  =  1   # odd spacing kept

# %% [markdown]
# Text
"""


def cells_part(text: str) -> str:
    return text[text.index("# ///\n", 5) + len("# ///\n") :]


def test_set_output_position_changes_only_the_block() -> None:
    nb = parse_notebook(TEXT)
    assert output_position(nb) is None
    set_output_position(nb, "above")
    set_runtime_mode(nb, "lazy")
    out = render_notebook(nb)
    assert cells_part(out) == cells_part(TEXT)
    assert '# [tool.reflow]\n# output = "above"\n# runtime = "lazy"\n' in out
    assert output_position(parse_notebook(out)) == "above"
    assert parse_notebook(out).runtime_mode == "lazy"


def test_notebook_without_block_gets_one() -> None:
    nb = parse_notebook("# %%\nx = 1\n")
    set_output_position(nb, "below")
    out = render_notebook(nb)
    assert out.endswith("# %%\nx = 1\n")
    assert output_position(parse_notebook(out)) == "below"


def test_bad_values() -> None:
    nb = parse_notebook(TEXT)
    with pytest.raises(ValueError, match="above"):
        set_output_position(nb, "left")  # type: ignore[arg-type]
    odd = parse_notebook(TEXT.replace("# ///\n\n", "# [tool.reflow]\n# output = 3\n# ///\n\n", 1))
    assert output_position(odd) is None  # an odd value leaves it to the user's setting
