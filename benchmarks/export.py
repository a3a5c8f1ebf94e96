"""Export a 100-cell notebook with outputs to .ipynb and to one HTML file.

The notebook (80 code + 20 markdown cells; every code cell prints, every 5th
shows an HTML table, every 10th a PNG) is run once in a real kernel; its outputs
are saved to the sidecar, as the app would. Then, medians of RUNS:
  * in-process: read notebook + sidecar outputs, convert, validate (ipynb), write
  * cli:        `reflow export ipynb|html nb.py -o OUT` in a fresh process (what a user runs)
  * cli --run:  the same, re-running the notebook in a fresh kernel first
The peer (marimo 0.25 here) needs 0.9 s / 1.8 s; the target is < 0.5 s each.
"""

from __future__ import annotations

import base64
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "7")))


def png(width: int, height: int) -> str:
    """A small gradient PNG (real image bytes, ~ a plot thumbnail)."""
    raw = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width * 3)) for y in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(body).decode()


def notebook_text() -> str:
    parts = ["# /// script\n# requires-python = \">=3.11\"\n# ///\n",
             f"# %%\nimport base64\nPNG = base64.b64decode({png(160, 120)!r})\n"
             "class Img:\n    def _repr_png_(self):\n        return PNG\n"
             "class Table:\n    def __init__(self, n):\n        self.n = n\n"
             "    def _repr_html_(self):\n"
             "        rows = ''.join(f'<tr><td>{i}</td><td>{i * self.n}</td></tr>' for i in range(20))\n"
             "        return f'<table><tr><th>i</th><th>i*n</th></tr>{rows}</table>'\n"]
    code = 1
    for i in range(1, 100):
        if i % 5 == 0:
            parts.append(f"# %% [markdown]\n# ## Section {i // 5}\n#\n# Some *explanatory* text for step {i}.\n")
            continue
        code += 1
        prev = f"v{i - 1}" if (i - 1) % 5 else f"v{i - 2}"
        body = f"v{i} = {prev if i > 1 else 0} + {i}\nprint('step', {i}, v{i})\n"
        if i % 10 == 1:
            body += "Img()\n"
        elif i % 5 == 3:
            body += f"Table(v{i})\n"
        else:
            body += f"v{i}\n"
        parts.append("# %%\n" + body)
    return "\n".join(parts).replace("v0 + ", "0 + ")


def median_time(fn, runs: int = RUNS) -> float:
    fn()  # warm-up (imports, bundle read)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from reflow.notebook import read_notebook
    from reflow_desktop.exporting import sources
    from reflow_desktop.exporting.html import render_html
    from reflow_desktop.exporting.ipynb import dumps, notebook_to_ipynb, validate
    from reflow_desktop.sidecar import CellRecord, SidecarData, SidecarStore, code_hash

    tmp = Path(tempfile.mkdtemp(prefix="reflow-bench-export-"))
    nb_path = tmp / "nb.py"
    nb_path.write_text(notebook_text())
    nb, outputs, _ = sources.run_outputs(nb_path)
    assert len(nb.cells) == 100
    failed = [cid for cid, outs in outputs.items() if any(o["kind"] == "error" for o in outs)]
    assert not failed, failed
    records = [CellRecord(code_hash=code_hash(c.source), outputs=outputs.get(c.id, []))
               for c in nb.cells if c.kind == "code"]
    SidecarStore(nb_path).save(SidecarData(notebook=nb_path.name, cells=records))

    def ipynb_inproc() -> None:
        book = read_notebook(nb_path)
        outs = sources.sidecar_outputs(nb_path, book)
        assert outs is not None
        d = notebook_to_ipynb(book, outs)
        validate(d)
        (tmp / "out.ipynb").write_text(dumps(d))

    def html_inproc() -> None:
        book = read_notebook(nb_path)
        outs = sources.sidecar_outputs(nb_path, book)
        assert outs is not None
        (tmp / "out.html").write_text(render_html(book, outs, name=nb_path.name))

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "engine"), str(ROOT / "desktop")]))

    def cli(fmt: str, *extra: str):
        def go() -> None:
            proc = subprocess.run([sys.executable, "-m", "reflow_desktop.cli", "export", fmt, str(nb_path),
                                   "-o", str(tmp / f"cli.{fmt}"), *extra],
                                  capture_output=True, text=True, env=env)
            assert proc.returncode == 0 and "code only" not in proc.stderr, proc.stderr
        return go

    rows = [
        ("ipynb, in-process (sidecar outputs)", median_time(ipynb_inproc)),
        ("html,  in-process (sidecar outputs)", median_time(html_inproc)),
        ("ipynb, cli `reflow export ipynb`", median_time(cli("ipynb"))),
        ("html,  cli `reflow export html`", median_time(cli("html"))),
        ("ipynb, cli --run (fresh kernel)", median_time(cli("ipynb", "--run"))),
        ("html,  cli --run (fresh kernel)", median_time(cli("html", "--run"))),
    ]
    print(f"export of a 100-cell notebook with outputs (80 code / 20 markdown), median of {RUNS}")
    print(f"sizes: ipynb {(tmp / 'out.ipynb').stat().st_size / 1024:.0f} kB, "
          f"html {(tmp / 'out.html').stat().st_size / 1024:.0f} kB")
    print(f"{'what':<40} {'median':>9}   target < 0.5 s; peer 0.9 s (ipynb) / 1.8 s (html)")
    for name, t in rows:
        print(f"{name:<40} {t * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
