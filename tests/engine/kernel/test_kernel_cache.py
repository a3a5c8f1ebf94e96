"""The kernel side of reflow.persistent_cache: caches beside the notebook, cell_cached, clear_cache."""

from __future__ import annotations

from pathlib import Path

CELLS = [
    ("a", "n = 7"),
    (
        "b",
        "import reflow\n"
        "from pathlib import Path\n"
        "with reflow.persistent_cache('square'):\n"
        "    Path(__file__).with_name('ran.txt').open('a').write('x')\n"
        "    squared = n * n\n"
        "print('squared', squared)",
    ),
]


async def test_reopen_restores_from_the_cache_beside_the_notebook(kernel, tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("# the kernel only needs the path\n")
    ran = tmp_path / "ran.txt"
    await kernel.open(CELLS, path=str(nb))
    assert ran.read_text() == "x"
    assert (tmp_path / "__reflow__" / "cache" / "square").is_dir()
    assert not kernel.since(0, "cell_cached")

    mark = kernel.mark()
    await kernel.open(CELLS, path=str(nb))  # a fresh runtime, as after reopening the notebook
    cached = kernel.since(mark, "cell_cached", "b")
    assert len(cached) == 1 and cached[0]["saved_seconds"] >= 0
    assert ran.read_text() == "x"  # the block's body did not run again
    assert any(o.get("text") == "squared 49\n" for o in kernel.outputs("b", mark))

    mark = kernel.mark()
    await kernel.op({"type": "clear_cache"})
    notice = kernel.since(mark, "notice")
    assert notice and "Cleared the notebook's cache (1 saved result)" in notice[0]["text"]
    await kernel.open(CELLS, path=str(nb))
    assert ran.read_text() == "xx"  # a miss after clearing: the body ran


async def test_cells_see_the_notebooks_file(kernel, tmp_path: Path):
    nb = tmp_path / "nb.py"
    nb.write_text("")
    await kernel.open([("a", "__file__")], path=str(nb))
    assert kernel.outputs("a")[0]["data"]["text/plain"] == repr(str(nb))
