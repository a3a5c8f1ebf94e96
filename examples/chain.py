# /// script
# requires-python = ">=3.11"
# [tool.reflow]
# runtime = "auto"
# ///

# %% [markdown]
# # Savings plan
#
# A chain of cells: inputs → yearly balances → summary → a text chart.
# Change the inputs and everything downstream follows.

# %% Inputs
deposit = 200.0  # per month
annual_rate = 0.04
years = 10

# %% Monthly simulation
def simulate(deposit: float, annual_rate: float, years: int) -> list[float]:
    """Balance at the end of each year, depositing monthly with monthly compounding."""
    monthly = annual_rate / 12
    balance = 0.0
    yearly = []
    for month in range(1, years * 12 + 1):
        balance = balance * (1 + monthly) + deposit
        if month % 12 == 0:
            yearly.append(balance)
    return yearly


balances = simulate(deposit, annual_rate, years)

# %% Summary
paid_in = deposit * 12 * years
final = balances[-1]
interest = final - paid_in
print(f"Paid in:  {paid_in:>12,.2f}")
print(f"Interest: {interest:>12,.2f}")
print(f"Final:    {final:>12,.2f}")

# %% [markdown]
# ## Growth by year
# Each bar is one year's closing balance.

# %% Chart hide_code=true
_width = 40
for _year, _balance in enumerate(balances, start=1):
    _bar = "#" * round(_width * _balance / final)
    print(f"{_year:>3} {_bar} {_balance:,.0f}")

# %% [markdown]
# ## What if the rate doubles?

# %% Comparison
doubled = simulate(deposit, annual_rate * 2, years)[-1]
print(f"At {annual_rate * 2:.0%} you would end with {doubled:,.2f} ({doubled - final:+,.2f}).")
