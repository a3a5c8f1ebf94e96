"""Which files the data watch follows, and when a change counts (settled, once per new content)."""

from __future__ import annotations

import os
from pathlib import Path

from reflow.notebook import Notebook, parse_notebook
from reflow_desktop.dropdata.watch import DataWatch, watched

NOTEBOOK = """\
# %% watch=true
import pandas as pd

sales = pd.read_csv(r"data/sales.csv")
sales

# %%
other = pd.read_csv("other.csv")

# %% watch=true
ref = pd.read_parquet({absolute!r})
"""


class Door:
    """A notebook at ``path``: the part of a session the watcher reads."""

    def __init__(self, path: Path, notebook: Notebook) -> None:
        self.path = path
        self.notebook = notebook
        self.kernel_state = "idle"


def bump(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a new mtime even on coarse clocks


def test_only_watch_cells_and_their_literal_paths(tmp_path: Path) -> None:
    absolute = tmp_path / "elsewhere" / "ref.parquet"
    nb = parse_notebook(NOTEBOOK.format(absolute=str(absolute)))
    found = watched(nb, tmp_path)
    assert found == {tmp_path / "data" / "sales.csv": [nb.cells[0].id], absolute: [nb.cells[2].id]}


def test_a_change_counts_once_it_settled_and_once_per_content(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    csv = tmp_path / "data" / "sales.csv"
    csv.write_text("a\n1\n")
    nb = parse_notebook(NOTEBOOK.format(absolute=str(tmp_path / "none.parquet")))
    watch = DataWatch(Door(tmp_path / "nb.py", nb))
    assert watch.poll() == {}  # baseline
    assert watch.poll() == {}
    bump(csv, "a\n1\n2\n")
    assert watch.poll() == {}  # seen once: maybe still being written
    bump(csv, "a\n1\n2\n3\n")
    assert watch.poll() == {}  # it changed again: wait for it to settle
    assert watch.poll() == {csv: [nb.cells[0].id]}
    assert watch.poll() == {}  # reported once
    csv.unlink()
    assert watch.poll() == {}
    assert watch.poll() == {csv: [nb.cells[0].id]}  # gone: the loader runs and says so
    csv.write_text("a\n9\n")
    watch.poll()
    assert watch.poll() == {csv: [nb.cells[0].id]}  # back


def test_a_cell_no_longer_watched_is_forgotten(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    csv = tmp_path / "data" / "sales.csv"
    csv.write_text("a\n1\n")
    door = Door(tmp_path / "nb.py", parse_notebook(NOTEBOOK.format(absolute=str(tmp_path / "x.parquet"))))
    watch = DataWatch(door)
    watch.poll()
    door.notebook = parse_notebook(NOTEBOOK.replace("# %% watch=true\nimport", "# %%\nimport").format(absolute="x"))
    bump(csv, "a\n2\n")
    assert watch.poll() == {} and watch.poll() == {}
    assert csv not in watch.known
