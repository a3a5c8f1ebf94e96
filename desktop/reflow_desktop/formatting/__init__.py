"""Formatting notebook cells with ruff (`ruff format -`), one cell at a time, only the cells asked for.

``ruff_format`` runs the formatter binary of the app's own environment with the notebook's
``[tool.ruff]`` settings; ``cells`` decides what may be formatted (Python code cells that parse;
magics and ``!`` lines kept as they are; SQL and markdown cells left alone) and says why a cell was
skipped; ``in_session`` applies the result to a live notebook as one transaction.
"""
