"""Real notebooks through Reflow: share that imports, passes check, runs to the end, equals IPython.

The corpus is tests/corpus: notebooks from pinned PyPI sdists, committed in
tests/corpus/notebooks (MANIFEST.json; $REFLOW_CORPUS_DIR overrides the directory).
Imports and checks cover every notebook; the two run figures cover every notebook
that runs top to bottom in plain IPython here (``run: true``, not only the CI sample
the tests run), each run by `reflow script --json` in the environment built from the
PEP 723 block the importer wrote, and compared with the recorded IPython outputs
exactly as tests/corpus/test_corpus.py does. The same four counts follow per source.
``--no-run`` gives only the import and check figures.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

import corpus_harness as h  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-run", action="store_true", help="only import and check")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--source", action="append", help="only this source's notebooks (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="name every notebook that falls short")
    args = parser.parse_args(argv)
    if not h.corpus_dir().is_dir():
        print(f"corpus notebooks not found in {h.corpus_dir()}; set REFLOW_CORPUS_DIR")
        return 2
    entries = [e for e in h.load_manifest().entries if not args.source or e.source in args.source]
    scratch = Path(tempfile.mkdtemp(prefix="reflow-bench-corpus-"))
    imported: dict[str, Path] = {}
    clean: list[str] = []
    valid = 0
    shortfalls: list[str] = []
    start = time.perf_counter()
    for entry in entries:
        try:
            py = h.import_to(entry, h.workspace(entry, scratch / entry.name))
            cells = h.code_cells(py)
        except Exception as exc:  # counted as a failed import
            shortfalls.append(f"import  {entry.name}: {type(exc).__name__}: {exc}")
            continue
        imported[entry.name] = py
        valid += all(h.compiles(src) for src in cells)
        problems = h.check_problems(py)
        if problems:
            shortfalls.append(f"check   {entry.name}: {problems[0]}")
        else:
            clean.append(entry.name)
    static_seconds = time.perf_counter() - start
    n = len(entries)
    rows = [
        ("imports (reads back as a Reflow notebook)", len(imported), n),
        ("passes reflow check", len(clean), n),
        ("  of those whose cells are all valid Python", len(clean), valid),
    ]
    reasons: collections.Counter[str] = collections.Counter()
    per_source: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for entry in entries:
        per_source[entry.source]["notebooks"] += 1
        per_source[entry.source]["imports"] += entry.name in imported
        per_source[entry.source]["check"] += entry.name in clean
        per_source[entry.source]["runnable"] += entry.run
    if not args.no_run:
        runnable = [e for e in entries if e.run and e.name in imported]

        def run(entry: h.Entry) -> tuple[h.Entry, h.RunResult | str]:
            py = imported[entry.name]
            try:
                return entry, h.run_reflow_script(py, h.environment_python(py))
            except Exception as exc:
                return entry, f"{type(exc).__name__}: {exc}"

        ended = equal = 0
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for entry, result in pool.map(run, runnable):
                if isinstance(result, str) or not result.completed:
                    error = result if isinstance(result, str) else (result.error or "")
                    reasons[error.split(":", 2)[1].strip() if error.startswith("cell ") else error[:60]] += 1
                    shortfalls.append(f"run     {entry.name}: {error[:200]}")
                    continue
                ended += 1
                per_source[entry.source]["ends"] += 1
                expected, unstable = h.load_expected(entry)
                diffs = h.compare(expected, unstable, result.cells)
                if diffs:
                    shortfalls.append(f"output  {entry.name}: {diffs[0][:200]}")
                else:
                    equal += 1
                    per_source[entry.source]["equal"] += 1
        rows += [
            ("runs to the end under reflow script (of runnable in IPython)", ended, len(runnable)),
            ("text outputs equal the IPython run", equal, len(runnable)),
        ]
    print(
        f"corpus: {n} notebooks from {len({e.source for e in entries})} sources; "
        f"import + check took {static_seconds:.1f} s"
    )
    for label, got, total in rows:
        print(f"{label:<64} {got:>4} / {total:<4} {100 * got / max(total, 1):5.1f} %")
    for source, c in sorted(per_source.items()):
        runs = "" if args.no_run else f", runs to the end {c['ends']}/{c['runnable']}"
        runs += "" if args.no_run else f", equal {c['equal']}/{c['runnable']}"
        print(f"  {source}: imports {c['imports']}/{c['notebooks']}, check {c['check']}/{c['notebooks']}{runs}")
    if reasons:
        print("most common run failures: " + "; ".join(f"{r} ({c})" for r, c in reasons.most_common(5)))
    if args.verbose:
        print("\n".join(shortfalls))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
