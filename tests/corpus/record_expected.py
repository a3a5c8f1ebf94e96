"""Decide which corpus notebooks run in plain IPython here, and record their text outputs.

    .venv/bin/python tests/corpus/record_expected.py [--jobs 2] [NAME ...]

Each notebook runs twice, top to bottom, in a plain IPython shell (``ipython_driver.py``)
in a reference environment with the common scientific stack (``REFERENCE_DEPENDENCIES``,
built by Reflow's env module with uv). A notebook that completes both times using at most
``RUN_LIMIT`` seconds of CPU (the same on a busy machine) gets ``run: true`` in MANIFEST.json
and its cells' text outputs in ``expected/<name>.json``; cells whose output differs between the two runs (unseeded
randomness, timings) are listed as ``unstable`` there and not compared. Any other
notebook gets ``excluded`` with the reason (network data, files from its repository,
missing package, too slow, fails in IPython). Not run by the tests: rerun it when the
corpus changes.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import corpus_harness as h

RUN_LIMIT = 60.0  # CPU seconds of the IPython process: the same on a busy machine as on a quiet one
WALL_LIMIT = 600.0  # a guard against a notebook that hangs
REFERENCE_DEPENDENCIES = [
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "statsmodels",
    "seaborn",
    "control",
    "pvlib",
    "emcee",
    "xarray",
]

_NETWORK = re.compile(
    r"URLError|HTTPError|ConnectionError|ConnectTimeout|gaierror|Name or service not known|"
    r"Temporary failure in name resolution|urlopen|RemoteDisconnected|ProxyError|SSLError"
)


def reference_python(workdir: Path) -> Path:
    """The reference environment: a stub notebook whose PEP 723 block lists the scientific stack."""
    deps = ", ".join(f'"{d}"' for d in REFERENCE_DEPENDENCIES)
    stub = workdir / "reference.py"
    stub.write_text(f'# /// script\n# requires-python = ">=3.11"\n# dependencies = [{deps}]\n# ///\n\n# %%\n1\n')
    return Path(h.environment_python(stub))


def reason(error: str | None) -> str:
    """Why a notebook does not run here, in the manifest's words."""
    text = error or "no error text"
    if _NETWORK.search(text):
        return "needs network access (downloads data)"
    m = re.search(r"No module named '([\w.]+)'", text)
    if m:
        return f"needs a package outside the reference set: {m.group(1).split('.')[0]}"
    if "FileNotFoundError" in text or "File `" in text or "does not exist" in text or "No such file" in text:
        return "needs files from its repository (data, helper modules, styles)"
    return "fails in plain IPython here: " + text.splitlines()[-1][:160] if text.strip() else "fails in plain IPython"


def record(entry: h.Entry, python: Path) -> dict[str, object]:
    """Run one notebook twice; write its expected file when it passes; return its manifest fields."""
    with tempfile.TemporaryDirectory(prefix="reflow-corpus-") as tmp:
        start = time.monotonic()
        try:
            first = h.run_ipython(entry.ipynb, python, h.workspace(entry, Path(tmp) / "a"), timeout=WALL_LIMIT)
        except subprocess.TimeoutExpired:
            return {"run": False, "excluded": f"does not finish within {WALL_LIMIT:.0f} s"}
        seconds = time.monotonic() - start
        if not first.completed:
            return {"run": False, "excluded": reason(first.error)}
        cpu = first.extra.get("cpu_seconds") or seconds
        if cpu > RUN_LIMIT:
            return {"run": False, "excluded": f"runs longer than {RUN_LIMIT:.0f} s ({cpu:.0f} s of CPU)"}
        try:
            second = h.run_ipython(entry.ipynb, python, h.workspace(entry, Path(tmp) / "b"), timeout=WALL_LIMIT)
        except subprocess.TimeoutExpired:
            return {"run": False, "excluded": f"does not finish within {WALL_LIMIT:.0f} s"}
    if not second.completed or len(second.cells) != len(first.cells):
        return {"run": False, "excluded": "does not complete reliably in plain IPython"}
    unstable = [
        i
        for i, ((_, a), (_, b)) in enumerate(zip(first.cells, second.cells, strict=True))
        if h.normalise(a) != h.normalise(b)
    ]
    h.EXPECTED.mkdir(exist_ok=True)
    h.expected_path(entry).write_text(
        json.dumps(
            {
                "notebook": entry.file,
                "ipython_cpu_seconds": cpu,
                "unstable": unstable,
                "cells": [{"key": h.cell_key(s), "text": t} for s, t in first.cells],
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return {"run": True, "excluded": None}


def save_outcome(name: str, outcome: dict[str, object]) -> None:
    """Write one notebook's fields into MANIFEST.json at once, so an interrupted recording keeps its work."""
    with _manifest_lock:
        data = json.loads(h.MANIFEST.read_text(encoding="utf-8"))
        for n in data["notebooks"]:
            entry = h.Entry(n["file"], n["source"], n["path"], False, None)
            if entry.name == name:
                n.pop("excluded", None)
                n.update({k: v for k, v in outcome.items() if v is not None})
                if not n["run"]:
                    h.expected_path(entry).unlink(missing_ok=True)
        h.MANIFEST.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


_manifest_lock = threading.Lock()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="only these notebooks (Entry.name); default: all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--missing", action="store_true", help="only notebooks not yet decided in the manifest")
    args = parser.parse_args(argv)
    manifest = h.load_manifest()
    entries = [
        e
        for e in manifest.entries
        if (not args.names or e.name in args.names) and not (args.missing and (e.run or e.excluded))
    ]
    entries.sort(key=lambda e: e.source == "statsmodels")  # the quick-to-decide sources first

    def one(entry: h.Entry) -> bool:
        outcome = record(entry, python)
        save_outcome(entry.name, outcome)
        print(f"{entry.name}: {outcome.get('excluded') or 'runs'}", flush=True)
        return outcome["run"] is True

    with tempfile.TemporaryDirectory(prefix="reflow-corpus-ref-") as tmp:
        python = reference_python(Path(tmp))
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            ran = sum(pool.map(one, entries))
    print(f"{ran} of {len(entries)} notebooks run in plain IPython; the rest are excluded in MANIFEST.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
