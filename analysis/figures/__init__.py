"""Pure figure-building functions: tables in, ``plotly.graph_objects.Figure`` out.

They only read saved tables (``rounds.parquet``, ``runs.parquet``, ``summary.json`` dicts), never the engine.
Every piece of scenario text put into a figure passes through :func:`analysis.figures.common.txt`, because plotly
renders a subset of HTML inside labels.
"""
