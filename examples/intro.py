# /// script
# requires-python = ">=3.11"
# ///

# %% [markdown]
# # Welcome to Reflow
#
# A Reflow notebook is a plain Python script: cells start with `# %%`, and
# markdown cells are comments. Edit a cell and every cell that depends on it
# runs again, so code and outputs always agree.
#
# Try it: change `radius` below and watch the area and the table update.

# %%
radius = 3.0

# %%
import math

area = math.pi * radius**2
print(f"A circle of radius {radius} has area {area:.2f}")

# %% [markdown]
# Cells are ordered by the names they use, not only by their position. This
# cell reads `radius` and `area`, so it runs after both.

# %%
table = [(r, round(math.pi * r**2, 2)) for r in range(1, int(radius) + 2)]
for r, a in table:
    print(f"r = {r:>2}  area = {a:>8}")

# %% hide_code=true
# This cell's code is hidden in the notebook view; only its output shows.
largest = max(a for _, a in table)
print(f"Largest area in the table: {largest}")

# %% [markdown]
# That's it. Declare packages in the `# /// script` block at the top, and
# Reflow builds this notebook its own environment.
