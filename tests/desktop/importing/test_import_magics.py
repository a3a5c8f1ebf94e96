"""IPython syntax in imported cells: Reflow's equivalent where one exists, a `# reflow:` note otherwise."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflow_desktop.importing.magics import convert_code, find_specials


def _run(source: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", source], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("cell, expected", [
    ("%time x = sum(range(10))", "x = sum(range(10))  # reflow: was %time; runs as plain Python"),
    ("%timeit -n 10 -r 2 y = 2", "y = 2  # reflow: was %timeit; runs as plain Python"),
    ("x = %time len('abc')", "x = len('abc')  # reflow: was %time; runs as plain Python"),
    ("for i in range(2):\n    %time print(i)",
     "for i in range(2):\n    print(i)  # reflow: was %time; runs as plain Python"),
    ("%time total = (1 +\\\n    2)", "total = (1 +\\\n    2)  # reflow: was %time; runs as plain Python"),
])
def test_time_keeps_the_statement_running(cell: str, expected: str):
    result = convert_code(cell)
    assert result.source == expected
    assert result.notes and result.notes[0][0] == 1 + cell.split("\n").index(next(
        ln for ln in cell.split("\n") if "%time" in ln))


def test_timeit_returning_its_result_is_commented_with_the_name_it_no_longer_assigns():
    result = convert_code("r = %timeit -o f()")
    assert result.source.startswith("# r = %timeit -o f()  # reflow:")
    assert "`r` is not assigned" in result.notes[0][1]


@pytest.mark.parametrize("cell, note", [
    ("%matplotlib inline", "Reflow shows plots inline; not needed"),
    ("%matplotlib widget", "backend is not used in Reflow"),
    ("%config InlineBackend.figure_format = 'retina'", "Reflow draws the plots itself"),
    ("%load_ext autoreload", "autoreload dropped"),
    ("%autoreload 2", "autoreload dropped"),
    ("%load_ext sql", "extension 'sql'"),
    ("!ls -la", "shell command"),
    ("%cd /tmp", "IPython magic %cd"),
    ("np.array?", "help syntax"),
])
def test_magics_without_equivalent_are_commented_with_a_reflow_note(cell: str, note: str):
    result = convert_code(f"{cell}\nimport math\nvalue = math.pi")
    first, *rest = result.source.split("\n")
    assert first.startswith(f"# {cell}  # reflow: ") and note in first
    assert rest == ["import math", "value = math.pi"]  # the Python lines are untouched
    assert result.notes == [(1, f"`{cell}`: {first.split('# reflow: ', 1)[1]}")]


def test_continued_line_magic_comments_only_its_own_lines():
    cell = "!pip install numpy \\\n    pandas\nimport numpy as np\nx = np.zeros(3)"
    result = convert_code(cell)
    lines = result.source.split("\n")
    assert lines[0].startswith("# !pip install numpy \\  # reflow:") and lines[1] == "    # pandas"
    assert lines[2:] == ["import numpy as np", "x = np.zeros(3)"]
    assert result.packages == ["numpy", "pandas"]


def test_percent_and_bang_inside_strings_and_expressions_are_python():
    cell = '%matplotlib inline\nq = """\n%d items\n!not a command\n"""\nr = 10 %3'
    result = convert_code(cell)
    assert result.source.split("\n")[1:] == cell.split("\n")[1:]
    assert len(find_specials(cell)) == 1


def test_magic_alone_in_a_block_keeps_the_block_valid():
    result = convert_code("if True:\n    !ls\nx = 1")
    assert result.source.split("\n")[1] == "    pass  # !ls  # reflow: shell command, not run by Reflow; commented out"
    ast.parse(result.source)


def test_cell_magic_comments_only_the_magic_line():
    result = convert_code("%%time\nx = 1\n%timeit y = x\nprint(x, y)")
    assert result.source.split("\n") == [
        "# %%time  # reflow: cell magic %%time removed; the body runs as plain Python",
        "x = 1", "y = x  # reflow: was %timeit; runs as plain Python", "print(x, y)"]
    assert [n[0] for n in result.notes] == [1, 3]


def test_env_sets_the_variable(tmp_path: Path):
    result = convert_code("%env GREETING=hello world\nimport os\nprint(os.environ['GREETING'])")
    assert _run(result.source, tmp_path).stdout == "hello world\n"


def test_html_cell_displays_the_html():
    result = convert_code('%%html\n<b>bold</b> "quoted"')
    namespace: dict = {}
    body = result.source.split("\n", 1)[1]
    exec(compile(body.replace("_display.HTML(", "_shown = _display.HTML("), "<cell>", "exec"), namespace)
    assert namespace["_shown"].data == '<b>bold</b> "quoted"'
    assert result.source.startswith("# %%html  # reflow:")


@pytest.mark.parametrize("text", [
    'def f():\n    return "x"', 'ends with a quote"', 'back\\slash\\', 'has """ triple', "# %% marker\n# /// script",
])
def test_writefile_writes_the_exact_body(tmp_path: Path, text: str):
    result = convert_code(f"%%writefile out.txt\n{text}")
    assert result.written_files == ["out.txt"]
    proc = _run(result.source, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.txt").read_text() == text + "\n"  # IPython writes the body and a newline


def test_writefile_append(tmp_path: Path):
    (tmp_path / "log.txt").write_text("a\n")
    proc = _run(convert_code("%%writefile -a log.txt\nb").source, tmp_path)
    assert proc.returncode == 0 and (tmp_path / "log.txt").read_text() == "a\nb\n"


@pytest.mark.skipif(sys.platform == "win32", reason="bash")
def test_bash_cell_runs_its_script(tmp_path: Path):
    result = convert_code("%%bash\npip install -q rich\necho hello\necho oops >&2\nexit 3")
    assert result.packages == ["rich"]  # the install is a dependency, not run
    proc = _run(result.source, tmp_path)
    assert proc.stdout == "hello\n"
    assert "oops" in proc.stderr and "CalledProcessError" in proc.stderr  # like IPython's %%bash


@pytest.mark.parametrize("cell", ["%%sql\nselect 1", "%%bash --out x\necho hi", "%%R\nx <- 1"])
def test_other_cell_magics_are_kept_as_comments(cell: str):
    result = convert_code(cell)
    assert all(line.startswith("#") for line in result.source.split("\n"))
    assert result.notes[0][1].startswith("cell magic")


def test_markdown_cell_magic():
    result = convert_code("%%markdown\n## Notes\ntext")
    assert (result.kind, result.source) == ("markdown", "## Notes\ntext")


def test_invalid_python_is_kept_as_comments():
    result = convert_code('%matplotlib inline\nprint "python 2"')
    assert not result.parses and result.source.startswith("# reflow: this cell is not valid Python")
    ast.parse(result.source)


def test_timeit_cell_magic_keeps_its_setup_line():
    result = convert_code("%%timeit s = 0.\nfor i in range(3):\n    s += i")
    assert result.source.split("\n")[:2] == [
        "# %%timeit s = 0.  # reflow: cell magic %%timeit removed; the body runs as plain Python",
        "s = 0.  # reflow: setup line of %%timeit"]
    namespace: dict = {}
    exec(result.source, namespace)
    assert namespace["s"] == 3.0


def test_run_script_becomes_a_star_import(tmp_path: Path):
    (tmp_path / "initialise.py").write_text("def hint(n):\n    return f'hint {n}'\n")
    result = convert_code("%run initialise.py\nprint(hint(3))")
    assert result.source.split("\n")[0] == "from initialise import *  # reflow: was %run initialise.py"
    assert result.local_modules == ["initialise"]
    assert _run(result.source, tmp_path).stdout == "hint 3\n"
    assert convert_code("%run -i other.py").source.startswith("# %run -i other.py  # reflow:")


def test_install_notes_say_what_was_added():
    added = convert_code("!pip install -q 'pandas>=2' rich")
    assert "pandas>=2, rich added to the notebook's dependencies" in added.source
    nothing = convert_code("!pip install -r requirements.txt")
    assert "nothing added" in nothing.source and "requirements file 'requirements.txt' not read" in nothing.source


_LINES = ["x = 1", "%matplotlib inline", "!ls -la", "y = %time f()", "files = !ls", "obj?", "r = 10 % 3",
          "print('!not a command')", "# %time in a comment", "%timeit -n 1 x", "!!echo"]
_UNITS = st.one_of(
    st.sampled_from(_LINES).map(lambda ln: [ln]),
    st.lists(st.sampled_from([*_LINES, "", "# comment at column 0", "y = 2"]), min_size=1, max_size=40).map(
        lambda body: ["if x:", "    pass", *(("    " + ln) if ln and ln[0] != "#" else ln for ln in body)]),
    st.lists(st.sampled_from(_LINES), max_size=20).map(lambda body: ["s = \'\'\'", *body, "\'\'\'"]),
    st.lists(st.sampled_from(["1,", "%d,", "!x,"]), max_size=20).map(lambda body: ["t = (", *body, ")"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_UNITS, min_size=1, max_size=12))
def test_finds_the_lines_ipython_transforms(units: list[list[str]]):
    """Same lines as IPython's own input transformer, in cells longer than the search window."""
    from IPython.core.inputtransformer2 import TransformerManager

    lines = [ln for unit in units for ln in unit]
    transformed = TransformerManager().do_token_transforms([ln + "\n" for ln in lines])
    assert len(transformed) == len(lines)  # no continuation lines in these cells
    expected = [i for i, (a, b) in enumerate(zip(lines, transformed, strict=True)) if a + "\n" != b]
    assert [s.start for s in find_specials("\n".join(lines))] == expected


def test_pylab_becomes_its_imports(tmp_path: Path):
    result = convert_code("%pylab inline\nx = linspace(0, 1, 3)\nprint(np.sum(x), plt.__name__)")
    assert result.source.split("\n")[0].startswith("import numpy as np; import matplotlib.pyplot as plt; from pylab")
    proc = _run("import matplotlib\nmatplotlib.use('Agg')\n" + result.source, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "1.5 matplotlib.pyplot\n"


def test_long_block_after_a_magic(tmp_path: Path):
    """A function longer than the search window, with blank and column-0 comment lines, after a magic."""
    body = "\n".join(f"    v{i} = {i}" if i % 3 else ("" if i % 2 else "# note at column 0") for i in range(40))
    cell = f"import math\n%matplotlib inline\n\ndef f():\n{body}\n    return v1\n\n!ls\nprint(f())"
    result = convert_code(cell)
    assert result.parses and [n[0] for n in result.notes] == [2, 47]
    assert _run(result.source, tmp_path).stdout == "1\n"
