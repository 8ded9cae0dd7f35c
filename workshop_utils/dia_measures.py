"""Disparity measures beside the adverse impact ratio: the ratio with a confidence interval, so a
small group's ratio is read with its uncertainty; the marginal effect (the gap in favourable
rates, in percentage points); and the standardised mean difference of the predicted risk.

The interval is SciPy's relative risk (``scipy.stats.contingency.relative_risk``) of the
favourable outcome, protected group against reference group, with Katz's log interval. The
standardised mean difference divides the gap in mean predicted probability by the two groups'
pooled standard deviation (Cohen's d); about 0.2 is often called small, 0.5 medium, 0.8 large.

Example:
    >>> measures = disparity_measures([0, 0, 1, 0] * 25, [0.1, 0.2, 0.7, 0.3] * 25, list("ffmm") * 25, "m")
    >>> [float(x) for x in measures.loc["f", ["AIR", "marginal effect"]]]
    [2.0, 50.0]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats.contingency import relative_risk

from workshop_utils import dia
from workshop_utils.plots import NEUTRAL, RISK_UP, plt

__all__ = ["air_interval", "disparity_measures", "plot_air_intervals", "standardised_mean_difference"]


def air_interval(y_pred: Iterable, groups: Iterable, protected: object, reference: object,
                 level: float = 0.95) -> tuple[float, float, float]:
    """The adverse impact ratio of ``protected`` against ``reference`` and its ``level``
    confidence interval (Katz's log interval, from SciPy's relative risk of the favourable outcome).

    >>> [round(x, 3) for x in air_interval([0] * 8 + [1] * 2 + [0] * 5 + [1] * 5, ["f"] * 10 + ["m"] * 10, "f", "m")]
    [1.6, 0.8, 3.199]
    """
    favoured = np.asarray(y_pred).ravel() == 0
    labels = np.asarray(groups, dtype=object).ravel()
    counts = {group: (int(favoured[labels == group].sum()), int((labels == group).sum()))
              for group in (protected, reference)}
    for group, (_, total) in counts.items():
        if total == 0:
            raise KeyError(f"group {group!r} does not occur; groups are {sorted(set(labels))}.")
    result = relative_risk(*counts[protected], *counts[reference])
    interval = result.confidence_interval(confidence_level=level)
    return float(result.relative_risk), float(interval.low), float(interval.high)


def standardised_mean_difference(probability: Iterable, groups: Iterable, protected: object,
                                 reference: object) -> float:
    """(mean predicted probability of ``protected`` - that of ``reference``) / their pooled
    standard deviation; positive means the protected group is predicted riskier.

    >>> round(standardised_mean_difference([0.2, 0.4, 0.1, 0.3], list("ffmm"), "f", "m"), 3)
    0.707
    """
    score = np.asarray(probability, dtype=float).ravel()
    labels = np.asarray(groups, dtype=object).ravel()
    first, second = score[labels == protected], score[labels == reference]
    pooled = np.sqrt(((len(first) - 1) * first.var(ddof=1) + (len(second) - 1) * second.var(ddof=1))
                     / (len(first) + len(second) - 2))
    return float((first.mean() - second.mean()) / pooled)


def disparity_measures(y_pred: Iterable, probability: Iterable, groups: Iterable, reference: object,
                       level: float = 0.95) -> pd.DataFrame:
    """Per group other than ``reference``, against it: its size, the AIR with its interval ("low", "high"),
    whether the interval leaves no doubt about the four-fifths band ("inside", "outside" or
    "unclear" when it straddles a band edge), the marginal effect (favourable rate minus the
    reference's, percentage points) and the standardised mean difference of the predicted risk."""
    labels = pd.Series(np.asarray(groups, dtype=object).ravel())
    rates = dia.favourable_rates(y_pred, labels)
    rows = {}
    for group in rates.index.drop(reference):
        air, low, high = air_interval(y_pred, labels, group, reference, level)
        verdict = ("inside" if dia.four_fifths_pass(low) and dia.four_fifths_pass(high) else
                   "outside" if high < dia.LOW or low > dia.HIGH else "unclear")
        rows[group] = {"n": int((labels == group).sum()), "AIR": air, "low": low, "high": high,
                       "band": verdict, "marginal effect": 100 * (rates[group] - rates[reference]),
                       "SMD": standardised_mean_difference(probability, labels, group, reference)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(getattr(groups, "name", None) or "group")


def plot_air_intervals(tables: dict[str, pd.DataFrame], title: str) -> Figure:
    """Each group's AIR with its interval, one panel row per attribute in ``tables``, the
    four-fifths band shaded; groups whose interval leaves the band's doubt unresolved in grey."""
    rows = [(name, group, row) for name, table in tables.items() for group, row in table.iterrows()]
    fig, ax = plt.subplots(figsize=(7.2, 0.3 * len(rows) + 1.2))
    ax.axvspan(dia.LOW, dia.HIGH, color=NEUTRAL, alpha=0.12, label="four-fifths band")
    for y, (_, _, row) in enumerate(rows):
        colour = RISK_UP if row["band"] == "outside" else ("black" if row["band"] == "inside" else NEUTRAL)
        ax.plot([row["low"], min(row["high"], 3.0)], [y, y], color=colour, linewidth=2)
        ax.plot(row["AIR"], y, "o", color=colour, markersize=4)
    ax.set_yticks(range(len(rows)), [f"{name} {group} (n={row['n']})" for name, group, row in rows], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linewidth=0.6)
    ax.set_xlabel("adverse impact ratio with its 95 % interval (clipped at 3)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig
