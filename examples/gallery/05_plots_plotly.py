# /// script
# requires-python = ">=3.11"
# dependencies = ["plotly", "nbformat"]  # nbformat: plotly needs it to show figures outside Jupyter
# ///

# %% [markdown]
# # Interactive charts with Plotly
#
# Plotly figures are drawn with their own toolbar (zoom, pan, hover), offline and in HTML exports.

# %%
import math

import plotly.graph_objects as go

import reflow

# %%
points = reflow.ui.slider(10, 200, step=10, value=60, label="Points")
points

# %%
xs = [i / points.value * 4 * math.pi for i in range(points.value + 1)]
fig = go.Figure()
fig.add_trace(go.Scatter(x=xs, y=[math.sin(x) for x in xs], mode="lines+markers", name="sin"))
fig.add_trace(go.Scatter(x=xs, y=[math.cos(x) for x in xs], mode="lines", name="cos"))
fig.update_layout(title=f"{points.value} points", height=360)
fig

# %%
print(f"{len(fig.data)} traces of {len(xs)} points")
