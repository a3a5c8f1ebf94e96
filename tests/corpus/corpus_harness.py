"""The real-notebook corpus: manifest, import, check, and the two runs we compare.

Shared by tests/corpus/test_corpus.py, tests/corpus/record_expected.py and
benchmarks/corpus.py so that all three judge a notebook the same way:

- import: ``reflow_desktop.importing.import_notebook`` (what `reflow import` does);
- check: ``reflow_desktop.commands.check.problems`` (what `reflow check` prints);
- plain IPython run: ``ipython_driver.py`` in the notebook's own environment, every
  code cell of the original .ipynb top to bottom in an ``InteractiveShell``;
- Reflow run: ``reflow script --json`` of the imported notebook in that same
  environment (built by ``reflow_desktop.envs.ensure_environment`` from the PEP 723
  block the importer wrote).

Text outputs are stdout plus the text form of each cell's result. They are
compared cell by cell after normalising only what cannot be equal between two
processes: the text stand-ins of figures and rich display objects (``<Figure size
640x480 with 1 Axes>``: Jupyter shows the picture, ``reflow script`` prints no text
for it), memory addresses, wall-clock stamps (statsmodels summaries print the
date and time of the fit), the two spellings of a default object repr
(``<a.B object at 0x..>`` from ``repr`` vs ``<a.B at 0x..>`` from IPython's
pretty printer), and whitespace layout (IPython wraps long containers). Cells
whose outputs differ between two plain IPython runs (unseeded randomness,
timings) are recorded as unstable and left out of the comparison: excluded, not
loosely matched.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MANIFEST = HERE / "MANIFEST.json"
EXPECTED = HERE / "expected"
DRIVER = HERE / "ipython_driver.py"
CI_STRIDE = 3  # the CI sample of runs: every third runnable notebook of each source (REFLOW_CORPUS_RUNS=all: every one)
RUN_TIMEOUT = 300  # seconds, a guard against a hung run (the recorder keeps only notebooks under 60 s in IPython)


def corpus_dir() -> Path:
    """Where the notebooks are: $REFLOW_CORPUS_DIR, else tests/corpus/notebooks."""
    return Path(os.environ.get("REFLOW_CORPUS_DIR") or HERE / "notebooks")


@dataclass(frozen=True)
class Entry:
    """One corpus notebook as the manifest describes it."""

    file: str  # relative to the corpus dir's parent, e.g. notebooks/statsmodels/examples/notebooks/ols.ipynb
    source: str
    path: str  # path inside the source repository
    run: bool  # runs top to bottom in plain IPython here: compared with `reflow script`
    excluded: str | None  # why it is not run (network data, missing package, too slow...)
    known: str | None = None  # a difference from IPython we know of and have not fixed: the run test is xfail(strict)

    @property
    def name(self) -> str:
        """A flat, unique name: source__path-with-slashes-as-double-underscores (no .ipynb)."""
        return self.source + "__" + self.path.removesuffix(".ipynb").replace("/", "__")

    @property
    def ipynb(self) -> Path:
        return corpus_dir() / self.file.removeprefix("notebooks/")


@dataclass
class Manifest:
    sources: dict[str, dict[str, str]]
    entries: list[Entry]


def load_manifest() -> Manifest:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entries = [
        Entry(
            file=n["file"],
            source=n["source"],
            path=n["path"],
            run=n.get("run") is True,
            excluded=n.get("excluded"),
            known=n.get("known"),
        )
        for n in data["notebooks"]
    ]
    return Manifest(sources=data["sources"], entries=entries)


def run_selection(entries: list[Entry]) -> list[Entry]:
    """The ``run: true`` notebooks the ``corpus`` tests run: all of them with ``REFLOW_CORPUS_RUNS=all``.

    Otherwise (CI) every ``CI_STRIDE``-th of each source's runnable notebooks in path order,
    starting with the first, so every source is run and CI stays within its time budget;
    import and check always cover the whole corpus.
    """
    runnable = [e for e in entries if e.run]
    if os.environ.get("REFLOW_CORPUS_RUNS", "").lower() == "all":
        return runnable
    by_source: dict[str, list[Entry]] = {}
    for entry in sorted(runnable, key=lambda e: (e.source, e.path)):
        by_source.setdefault(entry.source, []).append(entry)
    return [e for group in by_source.values() for e in group[::CI_STRIDE]]


# --- import and check ------------------------------------------------------------------------


def workspace(entry: Entry, tmp: Path) -> Path:
    """A scratch copy of the notebook's source tree; returns the notebook's directory in it.

    Both runs happen there, as Jupyter runs a notebook in its own directory: files the
    notebook reads beside it (styles, data kept in the corpus) are found, and files it
    writes do not touch the corpus.
    """
    import shutil

    copy = tmp / entry.source
    if not copy.exists():
        shutil.copytree(corpus_dir() / entry.source, copy)
    return copy / Path(entry.path).parent


def import_to(entry: Entry, dest: Path) -> Path:
    """`reflow import` the notebook into ``dest`` (a fresh directory); returns the .py written."""
    from reflow_desktop.importing import import_notebook

    dest.mkdir(parents=True, exist_ok=True)
    result = import_notebook(entry.ipynb, dest / (entry.ipynb.stem + ".py"))
    assert result.path is not None
    return result.path


def code_cells(py: Path) -> list[str]:
    """Sources of the imported notebook's code cells, in file order (parse_notebook must accept it)."""
    from reflow.notebook import read_notebook

    return [c.source for c in read_notebook(py).cells if c.kind == "code"]


def compiles(source: str) -> bool:
    """Is this cell valid Python (top-level await allowed, as in a notebook)?"""
    try:
        compile(source, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT | ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def check_problems(py: Path) -> list[str]:
    """What `reflow check` reports for the file, as ``line: message`` strings."""
    from reflow_desktop.commands._load import load
    from reflow_desktop.commands.check import problems

    return [f"{line}: {message}" for line, message in problems(load(str(py)))]


# --- runs ------------------------------------------------------------------------------------


@dataclass
class RunResult:
    """Text output per cell, in the notebook's code-cell order, and how the run ended."""

    cells: list[tuple[str, str]]  # (cell source, its text output)
    completed: bool
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def environment_python(py: Path) -> Path:
    """The notebook's own environment (PEP 723 block), built with uv through Reflow's env module."""
    from reflow_desktop.envs import ensure_environment

    return Path(ensure_environment(py).python)


def run_env() -> dict[str, str]:
    """Same conditions for both runs: headless matplotlib, no Python downloads, stable hashing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MPL"))}
    env.update(
        MPLBACKEND="Agg",
        UV_PYTHON_DOWNLOADS="never",
        PYTHONHASHSEED="0",
        PYTHONUNBUFFERED="1",
        PYTHONWARNINGS="ignore",
        TQDM_DISABLE="1",
    )
    return env


def run_ipython(ipynb: Path, python: Path, workdir: Path, timeout: float = RUN_TIMEOUT) -> RunResult:
    """Every code cell of the original .ipynb, top to bottom, in a plain IPython shell run in ``workdir``."""
    out = workdir / (ipynb.stem + ".ipython-run.json")
    proc = subprocess.run(
        [str(python), str(DRIVER), str(ipynb.resolve()), str(out)],
        cwd=workdir,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if not out.exists():
        return RunResult([], False, f"driver failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    return RunResult(
        [(c["source"], c["text"]) for c in data["cells"]],
        data["completed"],
        data.get("error"),
        extra={"cpu_seconds": data.get("cpu_seconds")},
    )


def run_reflow_script(py: Path, python: Path, timeout: float = RUN_TIMEOUT) -> RunResult:
    """`reflow script --json` of the imported notebook, run by the notebook environment's Python.

    The environment holds the notebook's packages and ipykernel, not Reflow: the engine
    and the command line come from this checkout on PYTHONPATH, as for Reflow's kernels.
    """
    env = run_env()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")])
    env["REFLOW_TRUSTED_DIRS"] = str(py.parent)  # the user's own import: trusted, as in their own folders
    proc = subprocess.run(
        [str(python), "-m", "reflow_desktop.cli", "script", "--json", str(py)],
        cwd=py.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    sources = code_cells(py)
    from reflow.notebook import read_notebook

    numbers = [n for n, c in enumerate(read_notebook(py).cells, start=1) if c.kind == "code"]
    texts: dict[int, list[str]] = {n: [] for n in numbers}
    errors: list[str] = []
    for line in proc.stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # something in the notebook wrote to the real stdout; not a cell's text
        if not isinstance(record, dict) or record.get("cell") not in texts:
            continue
        if record.get("stream") == "stdout":
            texts[record["cell"]].append(str(record.get("text", "")))
        elif "result" in record:
            texts[record["cell"]].append(str(record["result"]) + "\n")
        elif "error" in record:
            errors.append(f"cell {record['cell']}: {record['error']}")
    cells = [(src, "".join(texts[n])) for src, n in zip(sources, numbers, strict=True)]
    completed = proc.returncode == 0 and not errors
    error = "; ".join(errors) or (None if completed else f"exit {proc.returncode}: {proc.stderr[-2000:]}")
    return RunResult(cells, completed, error)


# --- comparison ------------------------------------------------------------------------------

_ADDRESS = re.compile(r"<([A-Za-z_][\w.]*?)(?: object)? at 0x[0-9a-fA-F]+>")
_BARE_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_SPACE = re.compile(r"\s+")
_CLOCK = re.compile(r"\b\d\d:\d\d:\d\d\b")
# Text stand-ins of rich outputs: Jupyter shows the picture or runs the HTML/JavaScript, and
# `reflow script` (text only) prints nothing for them, so they are not text output to compare.
_RICH_STAND_IN = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>|<IPython\.core\.display\.\w+ object>")
_DAY = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4}\b")  # statsmodels summaries


def normalise(text: str) -> str:
    """Text output with addresses and whitespace layout made comparable (see module docstring)."""
    text = _RICH_STAND_IN.sub("", text)
    text = _ADDRESS.sub(lambda m: f"<{m.group(1).rsplit('.', 1)[-1]} at ADDR>", text)
    text = _BARE_ADDRESS.sub("ADDR", text)
    text = _DAY.sub("DATE", _CLOCK.sub("TIME", text))
    return _SPACE.sub(" ", text).strip()


def cell_key(source: str) -> str:
    """A cell's identity across import: a hash of its Python lines without magics, shell escapes, help or comments.

    Expected files keep this hash, not the code, so they hold only what our IPython run printed.
    """
    import hashlib

    lines = []
    for line in source.splitlines():
        s = line.strip()
        if not s or s.startswith(("%", "!", "#", "?")) or (s.endswith("?") and s[:-1].replace(".", "").isidentifier()):
            continue  # magics, shell escapes, comments and IPython help (`?obj`, `obj?`) are not Python
        lines.append(s)
    return hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def compare(expected: list[tuple[str, str]], unstable: set[int], actual: list[tuple[str, str]]) -> list[str]:
    """Differences between the IPython run (``expected``: (cell key, text)) and Reflow's ((source, text)).

    Cells are paired by their Python lines (the importer may drop or convert magic-only
    cells); an expected cell with output that has no partner is a difference. Cells in
    ``unstable`` (indexes into ``expected``) are not compared.
    """
    matcher = difflib.SequenceMatcher(a=[k for k, _ in expected], b=[cell_key(s) for s, _ in actual], autojunk=False)
    partner: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            partner[block.a + k] = block.b + k
    diffs = []
    for i, (_key, text) in enumerate(expected):
        if i in unstable:
            continue
        want = normalise(text)
        if i not in partner:
            if want:
                diffs.append(f"code cell {i + 1}: no matching cell in the imported notebook")
            continue
        got = normalise(actual[partner[i]][1])
        if got != want:
            diffs.append(f"code cell {i + 1}: IPython {want[:300]!r} != Reflow {got[:300]!r}")
    return diffs


def expected_path(entry: Entry) -> Path:
    return EXPECTED / f"{entry.name}.json"


def load_expected(entry: Entry) -> tuple[list[tuple[str, str]], set[int]]:
    data = json.loads(expected_path(entry).read_text(encoding="utf-8"))
    return [(c["key"], c["text"]) for c in data["cells"]], set(data.get("unstable", []))


if __name__ == "__main__":  # pragma: no cover - a quick look at one notebook
    print(json.dumps([e.name for e in load_manifest().entries][:5]), file=sys.stderr)
