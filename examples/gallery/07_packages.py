# /// script
# requires-python = ">=3.11"
# dependencies = ["attrs"]
# ///

# %% [markdown]
# # Packages: each notebook has its own environment
#
# The `# /// script` block at the top (PEP 723) lists the packages this notebook needs; Reflow
# builds the notebook its own environment with uv from that list, so it runs the same on
# another machine. Add one from the Packages panel (or edit the block) and the kernel restarts
# with it; `reflow script nb.py` and `uv run nb.py` read the same block.

# %%
import importlib.metadata

import attrs

# %%
@attrs.define
class Point:
    """A small attrs class: fields, repr and equality written for us."""

    x: float
    y: float

    def norm(self) -> float:
        return (self.x**2 + self.y**2) ** 0.5


p = Point(3, 4)
print(p, "has norm", p.norm())

# %%
print("attrs", importlib.metadata.version("attrs"), "from this notebook's environment")
