"""Run Reflow's benchmarks and keep their reports.

Every ``benchmarks/*.py`` other than this file is a self-contained benchmark
script that prints a small table of medians. ``./dev bench`` runs them all;
``./dev bench graph_build`` runs one. Reports are also written to
``benchmarks/results/<name>.txt`` (gitignored) so runs can be compared.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all when none are named); non-zero if any failed."""
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if argv:
        wanted = {a.removesuffix(".py") for a in argv}
        unknown = wanted - {p.stem for p in scripts}
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(p.stem for p in scripts)}")
            return 2
        scripts = [p for p in scripts if p.stem in wanted]
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    failed = 0
    # The benchmarks write their notebooks into temp dirs themselves: those are this user's own
    # notebooks (REFLOW_TRUSTED_DIRS), so they open and run as the user's would, not in safe preview.
    env = dict(os.environ)
    trusted = (env.get("REFLOW_TRUSTED_DIRS"), tempfile.gettempdir())
    env["REFLOW_TRUSTED_DIRS"] = os.pathsep.join(p for p in trusted if p)
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
        print(proc.stdout, end="")
        if proc.returncode != 0:
            failed += 1
            print(proc.stderr, end="", file=sys.stderr)
            print(f"!! {script.stem} failed with exit code {proc.returncode}")
        (results / f"{script.stem}.txt").write_text(proc.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
