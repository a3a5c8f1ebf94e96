"""Packages a notebook needs without importing them: libraries that plot through matplotlib.

statsmodels' graphics, pandas' ``df.plot()``/``df.hist()``, xarray's and
geopandas' ``.plot()`` and networkx's ``nx.draw()`` all import matplotlib
themselves, and a notebook that only says ``%matplotlib inline`` expects it too;
none of them declares matplotlib as a dependency, so a PEP 723 block built from
``import`` statements alone lacks it and the notebook fails at its first plot.
Read with ``ast`` (never run); the reason goes into the import report.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

MATPLOTLIB = "matplotlib"

# Libraries whose objects plot with matplotlib through these methods / attributes.
_PLOT_METHODS: dict[str, frozenset[str]] = {
    "pandas": frozenset({"plot", "hist", "boxplot", "plotting", "scatter_matrix"}),
    "geopandas": frozenset({"plot", "explore_static"}),
    "xarray": frozenset({"plot"}),
    "statsmodels": frozenset(
        {
            "plot",
            "graphics",
            "plot_acf",
            "plot_pacf",
            "plot_ccf",
            "qqplot",
            "qqplot_2samples",
            "qqline",
            "plot_fit",
            "plot_regress_exog",
            "plot_partregress",
            "plot_partregress_grid",
            "plot_ccpr",
            "plot_ccpr_grid",
            "plot_leverage_resid2",
            "influence_plot",
            "interaction_plot",
            "abline_plot",
            "mosaic",
            "plot_predict",
            "plot_diagnostics",
            "plot_components",
            "plot_corr",
            "plot_corr_grid",
            "month_plot",
            "quarter_plot",
            "plot_simultaneous",
        }
    ),
}
_DRAW_PREFIX = {"networkx": "draw"}  # nx.draw, nx.draw_networkx, nx.draw_spring...
_MATPLOTLIB_MAGIC = re.compile(
    r"""^\s*%(?:matplotlib|pylab)\b|run_line_magic\(\s*['"](?:matplotlib|pylab)['"]""", re.MULTILINE
)


def _names_used(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(attribute names read anywhere, names imported with ``from ... import``) of one cell."""
    attributes: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            attributes.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.update(alias.name for alias in node.names)
            if node.module.split(".")[:2] == ["statsmodels", "graphics"]:
                imported.add("graphics")
        elif isinstance(node, ast.Import):
            imported.update("graphics" for a in node.names if a.name.split(".")[:2] == ["statsmodels", "graphics"])
    return attributes, imported


def implied_packages(sources: Iterable[str], raw_sources: Iterable[str], imported_tops: set[str]) -> dict[str, str]:
    """Distribution → why the notebook needs it, for ``sources`` (parseable cell code) importing ``imported_tops``.

    ``raw_sources`` are the cells as written (magics included): ``%matplotlib inline``
    is commented out by the import but still says the notebook plots.
    """
    if MATPLOTLIB in imported_tops:
        return {}
    attributes: set[str] = set()
    imported: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        cell_attributes, cell_imported = _names_used(tree)
        attributes |= cell_attributes
        imported |= cell_imported
    for library, methods in _PLOT_METHODS.items():
        if library in imported_tops and (methods & attributes or methods & imported):
            return {MATPLOTLIB: f"{library} plots with it"}
    for library, prefix in _DRAW_PREFIX.items():
        if library in imported_tops and any(a.startswith(prefix) for a in attributes):
            return {MATPLOTLIB: f"{library} draws with it"}
    if any(_MATPLOTLIB_MAGIC.search(raw) for raw in raw_sources):
        return {MATPLOTLIB: "the notebook uses %matplotlib"}
    return {}
