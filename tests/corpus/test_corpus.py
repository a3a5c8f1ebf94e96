"""Real notebooks (MANIFEST.json) through Reflow: import, check, and a run equal to plain IPython's.

- every notebook imports with `reflow import`'s function, nothing of its Python is lost,
  and the result reads back as a Reflow notebook;
- `reflow check` is clean wherever every imported cell is valid Python, and reports the
  bad cell where one is not;
- (marker ``corpus``, slow) the notebooks that run top to bottom in plain IPython here
  (``run: true``; by default the CI sample of corpus_harness.run_selection, every one with
  ``REFLOW_CORPUS_RUNS=all``) run to the end under `reflow script` in the environment built
  from the PEP 723 block the importer wrote, and their text outputs equal the recorded
  IPython run (``expected/``; see corpus_harness for what is normalised and which cells are
  left out).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import corpus_harness as h
import pytest

MANIFEST = h.load_manifest()
ENTRIES = MANIFEST.entries
RUNNABLE = h.run_selection(ENTRIES)  # all run: true notebooks with REFLOW_CORPUS_RUNS=all, else the CI sample
PERMISSIVE = {"BSD-3-Clause", "BSD-2-Clause", "MIT", "Apache-2.0", "CC-BY-4.0", "CC-BY-3.0"}


def _ids(entries: list[h.Entry]) -> list[str]:
    return [e.name for e in entries]


def test_manifest_describes_a_corpus_of_permissive_public_notebooks() -> None:
    assert len(ENTRIES) >= 100
    assert len({e.source for e in ENTRIES}) >= 5
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)
    kept_aside = ("PythonDataScienceHandbook", "handson-ml3", "scientific-python-lectures")
    for name, source in MANIFEST.sources.items():
        assert source["sdist_url"].startswith("https://files.pythonhosted.org/packages/"), name
        assert not any(k in source["sdist_url"] for k in kept_aside), name
        assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"]) and source["version"], name
        assert source["license"] in PERMISSIVE and source["license_file"], name
    for entry in ENTRIES:
        assert entry.source in MANIFEST.sources
        assert entry.run or entry.excluded, f"{entry.name}: neither run nor excluded with a reason"
        if entry.run:
            assert h.expected_path(entry).is_file(), entry.name


def test_corpus_files_match_the_manifest() -> None:
    root = h.corpus_dir()
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.ipynb")}
    listed = {e.file.removeprefix("notebooks/") for e in ENTRIES}
    assert on_disk == listed
    for name in MANIFEST.sources:
        assert (root / name / "LICENSE").is_file(), f"{name}: licence notice missing"
    for entry in ENTRIES:  # kept lean: outputs stripped, nothing over 1 MB
        raw = entry.ipynb.read_bytes()
        assert len(raw) <= 1_000_000, entry.name
        cells = json.loads(raw)["cells"]
        assert not any(c.get("outputs") for c in cells), f"{entry.name}: outputs not stripped"
    assert sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) < 40_000_000


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_imports_without_losing_python(entry: h.Entry, tmp_path: Path) -> None:
    py = h.import_to(entry, tmp_path)
    imported = "\n".join(h.code_cells(py))  # reads back through Reflow's notebook parser
    raw = json.loads(entry.ipynb.read_text(encoding="utf-8"))
    cells = raw.get("cells") or raw["worksheets"][0]["cells"]
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", cell.get("input", ""))
        text = "".join(src) if isinstance(src, list) else src
        if text.lstrip().startswith("%%"):
            continue  # a cell magic's body is not Python; the importer rewrites or comments it
        for line in text.splitlines():
            s = line.strip()
            if s and not s.startswith(("%", "!", "#")) and "get_ipython()" not in s:
                assert s in imported, f"{entry.name}: lost {s!r}"


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids(ENTRIES))
def test_check_is_clean_when_every_cell_is_python(entry: h.Entry, tmp_path: Path) -> None:
    py = h.import_to(entry, tmp_path)
    invalid = [i for i, src in enumerate(h.code_cells(py), start=1) if not h.compiles(src)]
    problems = h.check_problems(py)
    if invalid:
        assert any("syntax error" in p for p in problems), f"{entry.name}: cells {invalid} do not compile"
    else:
        assert problems == [], f"{entry.name}: reflow check reports {problems}"


@pytest.fixture(scope="module")
def reflow_runs() -> dict[str, h.RunResult | str]:
    """`reflow script` of every selected runnable notebook in its own env, two at a time (envs shared by deps)."""
    scratch = Path(tempfile.mkdtemp(prefix="reflow-corpus-runs-"))

    def run(entry: h.Entry) -> h.RunResult | str:
        try:
            cwd = h.workspace(entry, scratch / entry.name)
            py = h.import_to(entry, cwd)
            return h.run_reflow_script(py, h.environment_python(py))
        except Exception as exc:  # reported by the notebook's own test
            return f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        return dict(zip(_ids(RUNNABLE), pool.map(run, RUNNABLE), strict=True))


def _run_params(entries: list[h.Entry]) -> list[object]:
    """Each runnable notebook; one with a ``known`` difference (MANIFEST.json) is xfail(strict): still run and
    compared, and the test fails the day the difference is gone, so the manifest is corrected."""
    return [
        pytest.param(e, id=e.name, marks=[pytest.mark.xfail(reason=e.known, strict=True)] if e.known else [])
        for e in entries
    ]


@pytest.mark.corpus
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("entry", _run_params(RUNNABLE))
def test_script_runs_to_the_end_like_ipython(entry: h.Entry, reflow_runs: dict[str, h.RunResult | str]) -> None:
    result = reflow_runs[entry.name]
    assert isinstance(result, h.RunResult), f"{entry.name}: {result}"
    assert result.completed, f"{entry.name}: {result.error}"
    expected, unstable = h.load_expected(entry)
    assert h.compare(expected, unstable, result.cells) == []
