"""Export the 100-cell notebook of benchmarks/export.py to PDF (QtWebEngine's printToPdf).

The notebook (80 code + 20 markdown cells; every code cell prints, every 5th shows an HTML
table, every 10th a PNG) is run once in a real kernel and its outputs saved to the sidecar.
Then, medians of RUNS:
  * in-process: the printable page + printToPdf in a Qt already running (the desktop app's case)
  * cli:        `reflow export pdf nb.py -o OUT` in a fresh process (starts a headless Qt)
No target in the design brief; the HTML export's is < 0.5 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop"), str(HERE)]
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "5")))
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from export import median_time, notebook_text  # benchmarks/export.py: the same notebook and timing

    from reflow.notebook import read_notebook
    from reflow_desktop.exporting import sources
    from reflow_desktop.exporting.pdf import html_to_pdf, page_layout, print_html, write_pdf
    from reflow_desktop.sidecar import CellRecord, SidecarData, SidecarStore, code_hash

    tmp = Path(tempfile.mkdtemp(prefix="reflow-bench-pdf-"))
    nb_path = tmp / "nb.py"
    nb_path.write_text(notebook_text())
    nb, outputs, _ = sources.run_outputs(nb_path)
    assert len(nb.cells) == 100
    records = [
        CellRecord(code_hash=code_hash(c.source), outputs=outputs.get(c.id, [])) for c in nb.cells if c.kind == "code"
    ]
    SidecarStore(nb_path).save(SidecarData(notebook=nb_path.name, cells=records))

    def inproc() -> None:
        book = read_notebook(nb_path)
        outs = sources.sidecar_outputs(nb_path, book)
        assert outs is not None
        write_pdf(tmp / "out.pdf", html_to_pdf(print_html(book, outs, name=nb_path.name), layout=page_layout()))

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))

    def cli(*extra: str) -> Callable[[], None]:
        def go() -> None:
            cmd = [sys.executable, "-m", "reflow_desktop.cli", "export", "pdf", str(nb_path), "-o", str(tmp / "c.pdf")]
            proc = subprocess.run([*cmd, *extra], capture_output=True, text=True, env=env)
            assert proc.returncode == 0 and "code only" not in proc.stderr, proc.stderr

        return go

    rows = [
        ("pdf, in-process (Qt running)", median_time(inproc, RUNS)),
        ("pdf, cli `reflow export pdf`", median_time(cli(), RUNS)),
        ("pdf, cli `reflow export pdf --no-code`", median_time(cli("--no-code"), RUNS)),
    ]
    info = subprocess.run(["pdfinfo", str(tmp / "out.pdf")], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    print(f"PDF export of a 100-cell notebook with outputs (80 code / 20 markdown), median of {RUNS}")
    print(f"size: {(tmp / 'out.pdf').stat().st_size / 1024:.0f} kB, {pages} pages (A4)")
    print(f"{'what':<42} {'median':>9}")
    for name, t in rows:
        print(f"{name:<42} {t * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
