"""Parsing, rendering and metadata of the notebook file format."""

import pytest

from reflow.notebook import (
    Cell,
    NotebookFormatError,
    ScriptMetadata,
    dependencies,
    new_notebook,
    parse_notebook,
    reflow_config,
    render_notebook,
    requires_python,
    runtime_mode,
)
from reflow.notebook.metadata import set_dependencies, set_runtime_mode

SAMPLE = """\
# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas>=2"]
# [tool.reflow]
# runtime = "lazy"        # or "auto"
# ///

# %% [markdown]
# # Sales report
#
# Some *text*.

# %%
import pandas as pd


# %% hide_code=true disabled=true
threshold = 50
# %% My title key="a b" n=3
z = 1
"""


def test_parse_sample():
    nb = parse_notebook(SAMPLE)
    assert [c.kind for c in nb.cells] == ["markdown", "code", "code", "code"]
    assert nb.cells[0].source == "# Sales report\n\nSome *text*."
    assert nb.cells[1].source == "import pandas as pd"
    assert nb.cells[2].options == {"hide_code": True, "disabled": True}
    assert nb.cells[2].source == "threshold = 50"
    assert nb.cells[3].options == {"title": "My title", "key": "a b", "n": 3}
    assert nb.cells[3].title == "My title"
    assert len({c.id for c in nb.cells}) == 4
    assert nb.runtime_mode == "lazy" == runtime_mode(nb)
    assert dependencies(nb) == ["pandas>=2"]
    assert requires_python(nb) == ">=3.11"
    assert reflow_config(nb) == {"runtime": "lazy"}
    assert render_notebook(nb) == SAMPLE


def test_ids_not_in_file():
    nb = parse_notebook(SAMPLE)
    text = render_notebook(nb)
    for c in nb.cells:
        assert c.id not in text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "x = 1",
        "x = 1\n",
        "# %%",
        "# %%\n",
        "#%%\nx=1\r\n\r\n# %%   \r\ny=2",
        "\n\n# comment\n\n# %%\n\n\nx\n\n\n",
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport os\n# %%\nprint(os)\n",
        "# %% [markdown]\n#no space\n#\n# two  spaces\nnot commented\n",
        "# /// script\n# ///\nx = 1\n",
        "  # %% indented\n\t\n",
        "# In[3]:\nx\n# <codecell>\ny\n",
        "s = '''\n# %%\n'''\n# %%\nt = 1\n",
        "# %% [markdown]\n# ```\n# # %%\n# ```\n# %%\nx\n",
        "x = 1\r\n# %%\r\ny\r\n",
        "# %% a=1 b \n",
        "\ufeff# %%\nx",
        "x = '\u2028' \x0c\n# %%\n",
    ],
)
def test_round_trip_examples(text):
    assert render_notebook(parse_notebook(text)) == text


def test_empty_file_has_no_cells():
    nb = parse_notebook("")
    assert nb.cells == [] and nb.metadata is None


def test_plain_script_is_one_code_cell():
    nb = parse_notebook("#!/usr/bin/env python\n# A script\nimport os\n\nprint(os.sep)\n")
    assert len(nb.cells) == 1
    assert nb.cells[0].source == "# A script\nimport os\n\nprint(os.sep)"
    assert nb.header == "#!/usr/bin/env python\n"


def test_comments_only_preamble_is_header():
    nb = parse_notebook("# ---\n# jupyter:\n#   x: 1\n# ---\n\n# %%\nx = 1\n")
    assert [c.source for c in nb.cells] == ["x = 1"]


def test_strings_and_fences_hide_markers():
    nb = parse_notebook('s = """\n# %%\n"""\n# %% [markdown]\n# ```\n# %%\n# ```\n# %%\nx\n')
    assert [c.kind for c in nb.cells] == ["code", "markdown", "code"]


def test_lenient_bare_option_value_rendered_as_json():
    nb = parse_notebook("# %% name=foo hide_code=True\nx\n")
    assert nb.cells[0].options == {"name": "foo", "hide_code": True}
    nb.cells[0].options["disabled"] = True
    assert render_notebook(nb).splitlines()[0] == '# %% name="foo" hide_code=true disabled=true'


def test_edit_changes_only_that_cell():
    nb = parse_notebook(SAMPLE)
    nb.cells[1].source = "import pandas as pd\nimport numpy as np"
    out = render_notebook(nb)
    assert out == SAMPLE.replace("import pandas as pd\n", "import pandas as pd\nimport numpy as np\n")


def test_new_cells_render_canonically():
    nb = parse_notebook("# %%\nx = 1")
    nb.cells.append(Cell(kind="markdown", source="# Title\n\nbody"))
    nb.cells.append(Cell(kind="code", source="y = 2", options={"hide_code": True}))
    assert render_notebook(nb) == "# %%\nx = 1\n\n# %% [markdown]\n# # Title\n#\n# body\n\n# %% hide_code=true\ny = 2\n"


def test_delete_and_reorder():
    nb = parse_notebook("# %%\na\n\n# %%\nb\n\n# %%\nc\n")
    nb.cells.reverse()
    assert render_notebook(nb) == "# %%\nc\n\n# %%\nb\n\n# %%\na\n"
    del nb.cells[0]
    assert render_notebook(nb) == "# %%\nb\n\n# %%\na\n"


def test_edited_markerless_cell_gets_marker():
    nb = parse_notebook("import os\n")
    nb.cells[0].source = "# only a comment"
    text = render_notebook(nb)
    assert text == "# %%\n# only a comment\n"
    assert parse_notebook(text).cells[0].source == "# only a comment"


def test_kind_change_rerenders():
    nb = parse_notebook("# %%\nhello\n")
    nb.cells[0].kind = "markdown"
    assert render_notebook(nb) == "# %% [markdown]\n# hello\n"


def test_new_notebook():
    nb = new_notebook()
    text = render_notebook(nb)
    assert text == '# /// script\n# requires-python = ">=3.11"\n# ///\n\n# %%\n'
    again = parse_notebook(text)
    assert len(again.cells) == 1 and again.cells[0].source == ""
    assert requires_python(again) == ">=3.11"


def test_metadata_edit_rerenders_block_only():
    nb = parse_notebook(SAMPLE)
    set_dependencies(nb, ["pandas>=2", "numpy"])
    out = render_notebook(nb)
    assert out.endswith(SAMPLE[SAMPLE.index("\n# %% [markdown]") :])
    again = parse_notebook(out)
    assert dependencies(again) == ["pandas>=2", "numpy"]
    assert runtime_mode(again) == "lazy"


def test_metadata_added_to_plain_file():
    nb = parse_notebook("#!/usr/bin/env python\n# %%\nx = 1\n")
    set_runtime_mode(nb, "lazy")
    out = render_notebook(nb)
    assert out.startswith("#!/usr/bin/env python\n# /// script\n")
    assert parse_notebook(out).runtime_mode == "lazy"


def test_metadata_removed():
    nb = parse_notebook(SAMPLE)
    nb.metadata = None
    assert render_notebook(nb).startswith("\n# %% [markdown]")


def test_script_metadata_from_data():
    md = ScriptMetadata.from_data(
        {"requires-python": ">=3.12", "dependencies": ["a", "b"], "tool": {"reflow": {"runtime": "auto"}}}
    )
    assert md.raw.startswith("# /// script\n")
    assert md.dependencies == ["a", "b"] and md.reflow == {"runtime": "auto"}


@pytest.mark.parametrize(
    "text,line,needle",
    [
        ("# /// script\n# requires-python = '>=3.11'\n", 1, "never closed"),
        ("# /// script\n# a = 1\nx = 1\n# ///\n", 3, "does not start with '#'"),
        ("# /// script\n#a = 1\n# ///\n", 2, "does not start with '#'"),
        ("# /// script\n# a = 1\n# b = = 2\n# ///\n", 3, "invalid TOML"),
        ("# /// script\n# ///\n\n# /// script\n# ///\n", 4, "second"),
        ("# /// script\n# ///\n\n# %%\nx\n# /// script\n# ///\n", 6, "second"),
        # A block inside the first code cell is accepted (Jupytext writes it so); elsewhere it is not.
        ("# %% [markdown]\n# /// script\n# ///\n", 2, "before the first cell"),
        ("# %%\n\n# %%\n# /// script\n# ///\n", 4, "before the first cell"),
        ("# %%\nx = 1\n# /// script\n# ///\n", 3, "before the '# /// script'"),
        ("import os\n# /// script\n# ///\n", 2, "before the '# /// script'"),
        ("# /// script\n# dependencies = 'x'\n# ///\n", 1, "dependencies"),
        ("# /// script\n# [tool.reflow]\n# runtime = 'fast'\n# ///\n", 1, "runtime"),
        ("# %%\nx = 1\x00\n", 2, "NUL"),
    ],
)
def test_format_errors(text, line, needle):
    with pytest.raises(NotebookFormatError) as info:
        parse_notebook(text)
    err = info.value
    assert err.lineno == line, str(err)
    assert needle in err.message
    assert str(err).startswith(f"line {line}: ")


def test_huge_cell():
    body = "\n".join(f"x{i} = {i}" for i in range(200_000))
    text = "# %%\n" + body + "\n"
    nb = parse_notebook(text)
    assert len(nb.cells) == 1 and nb.cells[0].source == body
    assert render_notebook(nb) == text


def test_docstring_markdown_like_jupytext():
    text = '# %% [markdown]\n"""\n# Title\n\nText\n"""\n\n# %%\nx = 1\n'
    nb = parse_notebook(text)
    assert nb.cells[0].source == "# Title\n\nText"
    assert render_notebook(nb) == text
    nb.cells[0].source = "# Title\n\nMore"
    assert render_notebook(nb) == text.replace("Text", "More")
