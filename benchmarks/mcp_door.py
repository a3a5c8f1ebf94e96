"""The agent door (docs/mcp.md): what an MCP tool call costs on a 200-cell notebook.

A real local server and kernel in this process, the `mcp` SDK's client over Streamable HTTP
(one connection for the calls of a run; connecting is measured on its own), a 200-cell chain
``v_i = v_{i-1} + i`` in auto mode. Measures:

  * first call: connect + the first ``list_notebooks`` after the door is on (imports and starts the SDK);
  * connect: a new client's handshake (the SDK's version probe);
  * read_cells: all 200 cells (code, graph, output text);
  * edit last: ``edit_cell`` of the last cell (one cell runs) -> answer with its output;
  * edit first: ``edit_cell`` of the first cell (all 200 re-run) -> answer with 200 outputs.

Medians over BENCH_RUNS runs (default 7). Measurements, not tests.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "engine"), str(ROOT / "desktop")]

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
N = 200


def make_notebook(directory: Path) -> Path:
    parts = ["# %%\nv0 = 0\nv0\n"] + [f"# %%\nv{i} = v{i - 1} + {i}\nv{i}\n" for i in range(1, N)]
    path = directory / "nb.py"
    path.write_text("\n".join(parts))
    return path


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REFLOW_CONFIG_DIR"] = str(Path(tmp) / "config")
        os.environ["REFLOW_DATA_DIR"] = str(Path(tmp) / "data")
        from mcp import Client

        from reflow_desktop.server import ReflowServer
        from reflow_desktop.settings import Settings, save_settings

        save_settings(Settings(mcp_server="on"))
        server = ReflowServer()
        await server.start()
        try:
            session = await server.open_notebook(make_notebook(Path(tmp)), autosave_delay=None)
            last, first = session.notebook.cells[-1].id, session.notebook.cells[0].id
            while session.status_of(last) != "idle" or not session.outputs_of(last):
                await asyncio.sleep(0.05)
            url = f"http://127.0.0.1:{server.port}/mcp?token={server.token}"

            async def call(client: Client, name: str, args: dict[str, object]) -> float:
                t0 = time.perf_counter()
                result = await client.call_tool(name, args)
                assert not result.is_error, result.content
                return (time.perf_counter() - t0) * 1000

            t0 = time.perf_counter()
            async with Client(url) as client:
                await client.call_tool("list_notebooks", {})
            first_call = (time.perf_counter() - t0) * 1000
            connects, reads, lasts, firsts = [], [], [], []
            for i in range(RUNS):
                t0 = time.perf_counter()
                async with Client(url) as client:
                    connects.append((time.perf_counter() - t0) * 1000)
                    reads.append(await call(client, "read_cells", {}))
                    code = f"v{N - 1} = v{N - 2} + {i}\nv{N - 1}"
                    lasts.append(await call(client, "edit_cell", {"cell_id": last, "code": code}))
                    firsts.append(await call(client, "edit_cell", {"cell_id": first, "code": f"v0 = {i}\nv0"}))
        finally:
            await server.stop()
    print(f"{'what':<44}{'median ms':>12}")
    print(f"{'first call (SDK imported and started)':<44}{first_call:>12.1f}")
    print(f"{'connect (a new client: version probe)':<44}{statistics.median(connects):>12.1f}")
    print(f"{f'read_cells, {N} cells':<44}{statistics.median(reads):>12.1f}")
    print(f"{'edit_cell last (1 cell runs)':<44}{statistics.median(lasts):>12.1f}")
    print(f"{f'edit_cell first ({N} cells re-run)':<44}{statistics.median(firsts):>12.1f}")


if __name__ == "__main__":
    asyncio.run(main())
