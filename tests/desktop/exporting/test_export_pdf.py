"""PDF export (issue 20 item 4): QtWebEngine prints the HTML export; read back with poppler.

Every PDF here is made by the real CLI (``reflow export pdf``) in a subprocess, which starts
its own headless Qt, from outputs stored in the sidecar, as a user's export would be.
"""

from __future__ import annotations

import base64
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from reflow.notebook import parse_notebook, read_notebook
from reflow_desktop import sidecar
from reflow_desktop.exporting.html import BundleMissingError, load_bundle
from reflow_desktop.exporting.outputs import data, stream
from reflow_desktop.exporting.pdf import MAX_TEXT_LINES, WIDGET_VIEW, print_html, static_outputs

pytestmark = pytest.mark.qt

NOTEBOOK = """# %% [markdown]
# # Quarterly pdf report
#
# Prose from a markdown cell.

# %%
answer = 41 + 1
print("the answer is", answer)

# %%
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [3, 1, 2])
fig
"""


def _png() -> str:
    """A real matplotlib figure (640x480 px at the default 100 dpi) as base64 PNG."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _store(path: Path, outputs: list[list[dict[str, Any]]]) -> None:
    """Save ``outputs`` (one list per code cell) in the sidecar, current for the code as it is."""
    code = [c for c in read_notebook(path).cells if c.kind == "code"]
    records = [
        sidecar.CellRecord(code_hash=sidecar.code_hash(c.source), outputs=o) for c, o in zip(code, outputs, strict=True)
    ]
    sidecar.SidecarStore(path).save(sidecar.SidecarData(notebook=path.name, cells=records))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _export(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reflow_desktop.cli", "export", "pdf", *args],
        capture_output=True,
        text=True,
        env=env or _env(),
        timeout=300,
    )


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _images(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) of each image in the PDF, from ``pdfimages -list``."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    return [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


@pytest.fixture(autouse=True)
def _needs_tools() -> None:
    try:
        load_bundle()
    except BundleMissingError:
        pytest.skip("ui/build/export is not built (npm run build in ui/)")
    if shutil.which("pdftotext") is None or shutil.which("pdfimages") is None:
        pytest.skip("poppler-utils (pdftotext, pdfimages) not installed")
    pytest.importorskip("qtpy.QtWebEngineCore")


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.py"
    path.write_text(NOTEBOOK)
    _store(
        path,
        [
            [stream("stdout", "the answer is 42\n")],
            [data({"image/png": _png(), "text/plain": "<Figure size 640x480 with 1 Axes>"})],
        ],
    )
    return path


def test_cli_pdf_has_markdown_code_text_output_and_the_figure(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    proc = _export(str(report), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "code only" not in proc.stderr  # the sidecar's outputs were used
    assert out.read_bytes().startswith(b"%PDF")
    text = "\n".join(_pages(out))
    assert "Quarterly pdf report" in text and "Prose from a markdown cell." in text
    assert "answer = 41 + 1" in text  # code is included by default
    assert "the answer is 42" in text
    assert (640, 480) in _images(out)  # the matplotlib figure, at its own resolution
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.pdf"]  # no temp file left beside it


def test_cli_pdf_no_code_keeps_outputs_and_prose(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs-only.pdf"
    proc = _export(str(report), "-o", str(out), "--no-code")
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(_pages(out))
    assert "answer = 41 + 1" not in text and "plt.subplots" not in text
    assert "the answer is 42" in text and "Quarterly pdf report" in text
    assert (640, 480) in _images(out)


def test_cli_pdf_default_output_is_beside_the_notebook(report: Path) -> None:
    proc = _export(str(report))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(report.with_suffix(".pdf"))
    assert report.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


TALL_CELLS = 6
TALL_LINES = 34  # one cell ~ half an A4 page: two do not fit on one page with the code, so a break must fall


def _tall_notebook(tmp_path: Path) -> Path:
    path = tmp_path / "tall.py"
    path.write_text("\n".join(f"# %%\nprint_cell_{k} = {k}\n" for k in range(TALL_CELLS)))
    _store(
        path,
        [[stream("stdout", "".join(f"cell{k} line{j:02d}\n" for j in range(TALL_LINES)))] for k in range(TALL_CELLS)],
    )
    return path


def _pages_of_cells(pdf: Path) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for number, page in enumerate(_pages(pdf)):
        for m in re.finditer(r"cell(\d+) line\d\d", page):
            found.setdefault(int(m.group(1)), set()).add(number)
    return found


def test_page_breaks_fall_between_cells_never_inside_one(tmp_path: Path) -> None:
    path = _tall_notebook(tmp_path)
    out = tmp_path / "tall.pdf"
    proc = _export(str(path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    pages = _pages_of_cells(out)
    assert sorted(pages) == list(range(TALL_CELLS))  # every cell printed
    assert all(len(on) == 1 for on in pages.values()), pages  # each cell whole on one page
    assert len({p for on in pages.values() for p in on}) >= 3  # and they did need several pages


def test_without_the_print_stylesheet_the_same_cells_split_across_pages(tmp_path: Path) -> None:
    """The control for the test above: the plain HTML export printed the same way cuts a cell."""
    path = _tall_notebook(tmp_path)
    out = tmp_path / "plain.pdf"
    script = (
        "import sys; from pathlib import Path\n"
        "from reflow.notebook import read_notebook\n"
        "from reflow_desktop.exporting.html import render_html\n"
        "from reflow_desktop.exporting.pdf import html_to_pdf\n"
        "from reflow_desktop.exporting.sources import sidecar_outputs\n"
        "p = Path(sys.argv[1]); nb = read_notebook(p)\n"
        "Path(sys.argv[2]).write_bytes(html_to_pdf(render_html(nb, sidecar_outputs(p, nb))))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path), str(out)], capture_output=True, text=True, env=_env(), timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    pages = _pages_of_cells(out)
    assert any(len(on) > 1 for on in pages.values()), pages


def test_export_replaces_a_symlink_at_the_target_never_writes_through_it(report: Path, tmp_path: Path) -> None:
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.pdf"
    link.symlink_to(victim)
    proc = _export(str(report), "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and link.read_bytes().startswith(b"%PDF")


def test_refuses_to_overwrite_the_notebook(report: Path) -> None:
    before = report.read_text()
    proc = _export(str(report), "-o", str(report))
    assert proc.returncode == 1 and "refusing to overwrite" in proc.stderr
    assert report.read_text() == before


def test_unwritable_target_folder_is_a_clear_error(report: Path, tmp_path: Path) -> None:
    proc = _export(str(report), "-o", str(tmp_path / "no" / "such" / "dir" / "r.pdf"))
    assert proc.returncode == 1 and "cannot write" in proc.stderr


def test_clear_error_when_qt_cannot_start(report: Path, tmp_path: Path) -> None:
    """A machine whose Qt WebEngine will not load (here: PySide6 masked by a failing stand-in)."""
    fake = tmp_path / "fake-site"
    (fake / "PySide6").mkdir(parents=True)
    (fake / "PySide6" / "__init__.py").write_text(
        "raise ImportError('libnss3.so: cannot open shared object file: No such file or directory')\n"
    )
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(fake), env.get("PYTHONPATH", "")])
    env["QT_API"] = "pyside6"
    out = tmp_path / "never.pdf"
    proc = _export(str(report), "-o", str(out), env=env)
    assert proc.returncode == 1
    assert "cannot print to PDF here" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_printing_a_hostile_notebook_fetches_nothing(tmp_path: Path, listener: int) -> None:
    base = f"http://127.0.0.1:{listener}"
    svg = f"<svg xmlns='http://www.w3.org/2000/svg'><image href='{base}/svg.png'/></svg>"
    path = tmp_path / "hostile.py"
    path.write_text(f"# %% [markdown]\n# ![pixel]({base}/markdown.png)\n\n# %%\nshow = 1\n")
    _store(
        path,
        [
            [
                data({"text/html": f"<img src='{base}/html.png'><link rel=stylesheet href='{base}/x.css'>"}),
                data({"image/svg+xml": svg}),
                data({"text/plain": "printed hostile"}),
            ]
        ],
    )
    out = tmp_path / "hostile.pdf"
    proc = _export(str(path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "printed hostile" in "\n".join(_pages(out))
    assert _Recorder.hits == []


# --- the printable page (no Qt) -------------------------------------------------------------


def test_widget_views_print_their_static_form_and_long_text_is_cut() -> None:
    long_text = "".join(f"row {i}\n" for i in range(MAX_TEXT_LINES + 50))
    outputs = static_outputs(
        {
            "a": [
                data({WIDGET_VIEW: {"model_id": "m1"}, "text/plain": "IntSlider(value=3)"}),
                data({WIDGET_VIEW: {"model_id": "m2"}}),  # nothing else to show: kept (the page says so)
                stream("stdout", long_text),
            ]
        }
    )
    first, alone, text = outputs["a"]
    assert first["data"] == {"text/plain": "IntSlider(value=3)"}
    assert WIDGET_VIEW in alone["data"]
    assert text["text"].count("\n") == MAX_TEXT_LINES + 1
    assert "50 more lines not printed" in text["text"] and text["text"].rstrip().endswith(f"row {MAX_TEXT_LINES + 49}")


def test_print_page_is_light_with_the_print_stylesheet_and_code_optional() -> None:
    nb = parse_notebook("# %%\nsecret_code_line = 1\nprint('out')\n")
    cid = nb.cells[0].id
    outs = {cid: [stream("stdout", "out\n")]}
    with_code = print_html(nb, outs, name="n.py")
    assert 'data-theme="light"' in with_code and "break-inside: avoid" in with_code
    assert '"hide_code":false' in with_code
    assert '"hide_code":true' in print_html(nb, outs, name="n.py", include_code=False)


def test_a_vega_lite_chart_is_drawn_before_printing(tmp_path: Path) -> None:
    from reflow_desktop.exporting.html import CHART_BUNDLES, bundle_dir

    if not (bundle_dir() / CHART_BUNDLES["vega"][0]).is_file():
        pytest.skip("reflow-export-vega.js is not built (npm run build in ui/)")
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"quarter": "Q1", "takings": 28}, {"quarter": "Q2", "takings": 55}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "quarter", "type": "nominal", "title": "quarter_axis_title"},
            "y": {"field": "takings", "type": "quantitative", "title": "takings_axis_title"},
        },
    }
    path = tmp_path / "chart.py"
    path.write_text("# %%\nchart = 1\n")
    _store(path, [[data({"application/vnd.vegalite.v5+json": spec, "text/plain": "<VegaLite chart>"})]])
    out = tmp_path / "chart.pdf"
    proc = _export(str(path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(_pages(out))
    assert "quarter_axis_title" in text and "Q2" in text  # drawn by Vega, not its text fallback
    assert "<VegaLite chart>" not in text and "could not be drawn" not in text
