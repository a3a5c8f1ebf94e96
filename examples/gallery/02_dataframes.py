# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas"]
# ///

# %% [markdown]
# # Data frames: tables you can select from
#
# A pandas DataFrame shows as a table. `reflow.ui.table` makes it selectable: the selected
# rows are its value, and the cells that read it follow the selection.

# %%
import pandas as pd

import reflow

# %%
sales = pd.DataFrame(
    {
        "region": ["north", "south", "east", "west", "north", "south", "east", "west"],
        "quarter": ["Q1", "Q1", "Q1", "Q1", "Q2", "Q2", "Q2", "Q2"],
        "units": [120, 95, 143, 80, 131, 102, 150, 77],
        "price": [9.5, 9.5, 9.0, 10.0, 9.5, 9.0, 9.0, 10.5],
    }
)
sales["revenue"] = sales["units"] * sales["price"]
sales

# %%
by_region = sales.groupby("region", as_index=False)[["units", "revenue"]].sum().sort_values("revenue", ascending=False)
by_region

# %%
picked = reflow.ui.table(by_region, selection="multi", initial_selection=[0], label="Pick regions")
picked

# %%
chosen = picked.value if len(picked.value) else by_region
print(f"{len(chosen)} region(s), revenue {chosen['revenue'].sum():,.2f}")
