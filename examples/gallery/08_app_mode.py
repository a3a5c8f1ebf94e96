# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.reflow]
# runtime = "auto"
# ///

# %% [markdown]
# # App mode: a notebook as a small app
#
# `reflow run 08_app_mode.py` serves this notebook as a read-only app: code hidden, outputs and
# widgets live. Cells marked `hide_code=true` hide their code in the editor too. `reflow.stop`
# ends a cell quietly (and skips what depends on it) until the input is valid.

# %% hide_code=true
import reflow

amount = reflow.ui.number(0, 1_000_000, step=100, value=10_000, label="Loan amount")
rate = reflow.ui.slider(0.5, 10, step=0.25, value=4.5, label="Yearly interest (%)")
years = reflow.ui.dropdown({"5 years": 5, "10 years": 10, "20 years": 20, "30 years": 30}, value="10 years", label="Term")
reflow.vstack([amount, reflow.hstack([rate, years])])

# %% hide_code=true
reflow.stop(amount.value <= 0, reflow.callout("Enter an amount above zero.", kind="warn"))

monthly_rate = rate.value / 100 / 12
months = years.value * 12
payment = amount.value * monthly_rate / (1 - (1 + monthly_rate) ** -months)
total = payment * months

# %% hide_code=true
reflow.tabs(
    {
        "Summary": reflow.md(f"Monthly payment: **{payment:,.2f}**  \nTotal paid: {total:,.2f}"),
        "Interest": reflow.md(f"Interest over {years.value} years: **{total - amount.value:,.2f}**"),
    }
)
