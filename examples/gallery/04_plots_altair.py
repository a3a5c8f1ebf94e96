# /// script
# requires-python = ">=3.11"
# dependencies = ["altair", "pandas"]
# ///

# %% [markdown]
# # Interactive charts with Altair
#
# Altair charts are drawn interactive (tooltips, zoom), offline and in HTML exports.
# Wrapped in `reflow.ui.chart`, a chart's selection becomes a value other cells read.

# %%
import altair as alt
import pandas as pd

import reflow

# %%
cars = pd.DataFrame(
    {
        "name": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "horsepower": [130, 165, 150, 95, 97, 110, 220, 88],
        "mpg": [18, 15, 16, 24, 27, 22, 12, 29],
        "origin": ["USA", "USA", "USA", "Japan", "Japan", "Europe", "USA", "Japan"],
    }
)

# %%
brush = alt.selection_interval(encodings=["x"])
scatter = (
    alt.Chart(cars)
    .mark_point(filled=True, size=80)
    .encode(x="horsepower:Q", y="mpg:Q", color="origin:N", tooltip=["name", "horsepower", "mpg"])
    .add_params(brush)
)
picked = reflow.ui.chart(scatter, label="Drag across the chart to select cars")
picked

# %%
print("selection:", picked.selections or "none yet")
cars.groupby("origin")["mpg"].mean().round(1)
