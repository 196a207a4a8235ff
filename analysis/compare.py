"""Outcome distributions side by side: one summary row per outcome, one column per scenario.

Reads only the runs table (a ``scenario`` column plus outcome columns); a flag outcome (bool) is
summarised by its rate, a numeric outcome by its median, as ``"<column> (rate)"`` / ``"(median)"``, and a
few-valued name outcome (who did not listen) by the share of each name where it has one,
``"<column> = <name> (share)"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim import output_format as F

ID_COLUMNS = (F.RUN_ID, F.SEED, F.SCENARIO)
_KEY_SUFFIXES = (F.COLLAPSED, F.LIFETIME, F.DID_NOT_LISTEN)
MAX_NAMES = 6  # a text outcome with more distinct values is not summarised
_KEY_COLUMNS = (F.AGREEMENT, F.AGREEMENT_ROUND, F.POLARIZATION)


def is_flag(series: pd.Series) -> bool:
    """A bool outcome, possibly with gaps (scenarios without that channel)."""
    values = series.dropna()
    return series.dtype == bool or (len(values) > 0 and values.map(lambda v: isinstance(v, bool)).all())


def key_columns(table: pd.DataFrame) -> list[str]:
    """The outcomes worth a first look: agreement, channel survival, polarization, trust across channels."""
    channels = [c.removesuffix(F.LIFETIME) for c in table.columns if c.endswith(F.LIFETIME)]
    trust = [F.trust_outcome(a, b) for ch in channels for a, b in [ch.split("-", 1)] for a, b in [(a, b), (b, a)]]
    keep = [c for c in table.columns if c in _KEY_COLUMNS or c.endswith(_KEY_SUFFIXES) or c in trust]
    return keep


def summarize(table: pd.DataFrame, order: Sequence[str] | None = None, columns: Sequence[str] | None = None
              ) -> pd.DataFrame:
    """Rates of flags and medians of numbers per scenario: index = statistics, columns = scenarios."""
    order = list(order) if order is not None else list(dict.fromkeys(table["scenario"]))
    columns = list(columns) if columns is not None else [c for c in table.columns if c not in ID_COLUMNS]
    stats: dict[str, dict[str, float]] = {"runs": {}}
    groups = {name: g for name, g in table.groupby("scenario", sort=False)}
    for name in order:
        g = groups.get(name, table.iloc[0:0])
        stats["runs"][name] = float(len(g))
        for col in columns:
            series = g[col]
            if is_flag(table[col]):
                values = series.dropna().astype(bool)
                stats.setdefault(f"{col} (rate)", {})[name] = float(values.mean()) if len(values) else float("nan")
            elif pd.api.types.is_numeric_dtype(table[col]):
                stats.setdefault(f"{col} (median)", {})[name] = float(series.median())
            elif 0 < (names := table[col].dropna().astype(str)).nunique() <= MAX_NAMES:
                shares = series.dropna().astype(str).value_counts(normalize=True)
                for value in sorted(names.unique()):  # NaN: no run of this scenario has a name there
                    share = float(shares.get(value, 0.0)) if len(shares) else float("nan")
                    stats.setdefault(f"{col} = {value} (share)", {})[name] = share
    return pd.DataFrame(stats).T.reindex(columns=order)


def format_table(summary: pd.DataFrame) -> str:
    """The summary as aligned text (counts as integers, other figures to 3 significant digits)."""
    def cell(row: str, v: float) -> str:
        return "-" if pd.isna(v) else f"{int(v)}" if row == "runs" else f"{v:.3g}"

    shown = pd.DataFrame([[cell(row, v) for v in summary.loc[row]] for row in summary.index],
                         index=summary.index, columns=summary.columns, dtype=object)
    return shown.to_string()
