"""Reflow's Jupyter kernel: an ipykernel subclass that runs the reactive runtime.

Start it with ``python -m reflow.kernel -f CONNECTION_FILE``. Reactive operations
arrive as comm messages on target ``reflow`` (see :mod:`reflow.kernel.handler`);
cell events go back on the same comm with the UI protocol's shapes
(docs/protocol.md), so the app's server relays them as they are.
"""

COMM_TARGET = "reflow"
