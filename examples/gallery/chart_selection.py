# /// script
# requires-python = ">=3.11"
# dependencies = ["altair", "pandas", "plotly"]
# ///

# %% [markdown]
# # Charts as inputs
#
# `reflow.ui.chart(fig)` turns an Altair / Vega-Lite chart with a selection, or a Plotly
# figure, into an input: brush or click in the chart and the cells that read its `.value`
# run again with the selected rows (a DataFrame of the chart's own data) or points. The
# cell that draws the chart does not re-run, so the brush stays where you left it.
# No selection gives an empty frame (or list).

# %%
import altair as alt
import pandas as pd
import plotly.express as px

import reflow

cars = pd.DataFrame(
    {
        "name": ["chevelle", "skylark", "satellite", "corona", "civic", "golf", "mustang", "pinto", "beetle", "accord"],
        "horsepower": [130, 165, 150, 95, 67, 71, 220, 88, 46, 68],
        "mpg": [18, 15, 16, 24, 38, 31, 12, 25, 26, 36],
        "origin": ["USA", "USA", "USA", "Japan", "Japan", "Europe", "USA", "USA", "Europe", "Japan"],
    }
)

# %% [markdown]
# ## A brush on a scatter plot selects rows

# %%
brushed = reflow.ui.chart(
    alt.Chart(cars)
    .mark_point(filled=True, size=90)
    .encode(x="horsepower:Q", y="mpg:Q", color="origin:N", tooltip=["name"])
    .add_params(alt.selection_interval(name="brush")),
    label="Drag a box over some cars",
)
brushed

# %%
print(
    f"{len(brushed.value)} cars selected, mean mpg {brushed.value['mpg'].mean():.1f}" if len(brushed.value) else "none"
)
brushed.value

# %% [markdown]
# ## A click on a bar selects the rows behind it

# %%
by_origin = reflow.ui.chart(
    alt.Chart(cars).mark_bar().encode(x="origin:N", y="count()").add_params(alt.selection_point(name="pick")),
    label="Click a bar (shift-click for more)",
)
by_origin

# %%
sorted(by_origin.value["name"])

# %% [markdown]
# ## Plotly: box or lasso select, or click a point
# Each point is `{"trace", "name", "point", "x", "y", ...}`, read from the figure itself.

# %%
points = reflow.ui.chart(px.scatter(cars, x="horsepower", y="mpg", color="origin", hover_name="name"))
points

# %%
[(p["name"], p["x"], p["y"]) for p in points.value]
