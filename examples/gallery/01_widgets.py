# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///

# %% [markdown]
# # Widgets: inputs that re-run what reads them
#
# Make an element in one cell, read its `.value` in another: moving it re-runs only the
# cells that read it. Elements inside `reflow.md(f"...")` stay live.

# %%
import reflow

# %%
size = reflow.ui.slider(1, 20, value=5, label="Size")
shape = reflow.ui.dropdown(["square", "triangle"], value="square", label="Shape")
filled = reflow.ui.checkbox(True, label="Filled")
reflow.hstack([size, shape, filled])

# %%
def draw(n: int, kind: str, solid: bool) -> str:
    """A text picture of the chosen shape."""
    mark = "#" if solid else "."
    rows = [mark * n for _ in range(n)] if kind == "square" else [mark * (i + 1) for i in range(n)]
    return "\n".join(rows)


picture = draw(int(size.value), shape.value, filled.value)
print(picture)

# %%
# markdown with the values (and a live element) inside; this cell re-runs with them
reflow.md(f"A **{shape.value}** of size {size.value} uses {picture.count('#') + picture.count('.')} marks. Resize: {size}")

# %% [markdown]
# A form groups inputs and submits them together; a button counts its clicks.

# %%
greeting = reflow.ui.form(reflow.ui.text(placeholder="Your name", label="Name"), submit_label="Greet")
clicks = reflow.ui.button("Click me")
reflow.vstack([greeting, clicks])

# %%
name = greeting.value or "stranger"
reflow.callout(f"Hello, {name}! The button was clicked {clicks.value} times.", kind="success")
