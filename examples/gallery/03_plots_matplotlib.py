# /// script
# requires-python = ">=3.11"
# dependencies = ["matplotlib", "numpy"]
# ///

# %% [markdown]
# # Plots with matplotlib
#
# End a cell with a figure to show it. A slider re-draws the plot that reads it. The curve is
# a damped wave, $y = e^{-t/\tau} \cos(2\pi f t)$:
#
# $$
# \tau = \text{decay}, \qquad f = \text{frequency}
# $$

# %%
import matplotlib.pyplot as plt
import numpy as np

import reflow

# %%
frequency = reflow.ui.slider(0.5, 5.0, step=0.5, value=2.0, label="Frequency f")
decay = reflow.ui.slider(0.5, 5.0, step=0.5, value=2.0, label="Decay tau")
reflow.hstack([frequency, decay])

# %%
t = np.linspace(0, 5, 500)
y = np.exp(-t / decay.value) * np.cos(2 * np.pi * frequency.value * t)

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(t, y)
ax.set_xlabel("t")
ax.set_ylabel("y")
ax.set_title(f"f = {frequency.value}, tau = {decay.value}")
fig

# %%
print(f"peak {y.max():.3f}, value at t=5: {y[-1]:.4f}")
