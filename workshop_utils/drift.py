"""Input drift: the population stability index (PSI) of each input, a batch of scored rows
against the training data.

PSI compares the share of rows in each bin of an input: bins cut at the training data's
deciles, a share of 0 replaced by ``EMPTY_SHARE`` so the logarithm stays finite, then
``PSI = sum((actual - expected) * ln(actual / expected))``. The usual reading: below 0.1 stable,
0.1 to 0.25 worth watching, above 0.25 a real shift.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> train = rng.normal(size=5000)
    >>> round(psi(train, train), 6), psi(train, train + 1.0) > 0.25
    (0.0, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, plt

__all__ = ["EMPTY_SHARE", "SHIFTED", "WATCH", "bin_shares", "plot_psi", "psi", "psi_cuts", "psi_table"]

EMPTY_SHARE = 1e-4
"""The share an empty bin counts as (PSI takes the logarithm of every share)."""

WATCH, SHIFTED = 0.1, 0.25
"""PSI from which an input is worth watching, and from which it has shifted."""


def psi_cuts(expected: Sequence[float], bins: int = 10) -> np.ndarray:
    """The inner cut points of the bins: the distinct ``1/bins`` ... ``(bins-1)/bins`` quantiles of
    ``expected`` (fewer bins for an input with few distinct values).

    >>> psi_cuts(np.arange(100), bins=4).tolist()
    [24.75, 49.5, 74.25]
    """
    quantiles = np.quantile(np.asarray(expected, dtype=float), np.arange(1, bins) / bins)
    return np.unique(quantiles)


def bin_shares(values: Sequence[float], cuts: np.ndarray) -> np.ndarray:
    """The share of ``values`` in each bin: below ``cuts[0]``, each ``[cuts[i], cuts[i+1])``, and
    from ``cuts[-1]`` up; an empty bin counts as ``EMPTY_SHARE``.

    >>> bin_shares([1, 2, 2, 5], np.array([2.0, 4.0])).tolist()
    [0.25, 0.5, 0.25]
    """
    positions = np.searchsorted(cuts, np.asarray(values, dtype=float), side="right")
    counts = np.bincount(positions, minlength=len(cuts) + 1)
    return np.maximum(counts / counts.sum(), EMPTY_SHARE)


def psi(expected: Sequence[float], actual: Sequence[float], bins: int = 10) -> float:
    """The population stability index of ``actual`` against ``expected``, on bins cut at the
    deciles of ``expected`` (``psi_cuts``)."""
    cuts = psi_cuts(expected, bins)
    e, a = bin_shares(expected, cuts), bin_shares(actual, cuts)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_table(reference: pd.DataFrame, current: pd.DataFrame, inputs: Sequence[str], bins: int = 10) -> pd.DataFrame:
    """PSI of each input of ``current`` against ``reference``, largest first, with its reading
    (``stable``, ``watch``, ``shifted``) and the two means.

    >>> frame = pd.DataFrame({"a": np.arange(1000.0), "b": np.arange(1000.0)})
    >>> psi_table(frame, frame.assign(b=frame["b"] + 500), ["a", "b"])["reading"].to_dict()
    {'b': 'shifted', 'a': 'stable'}
    """
    values = pd.Series({name: psi(reference[name], current[name], bins) for name in inputs})
    reading = np.select([values >= SHIFTED, values >= WATCH], ["shifted", "watch"], "stable")
    table = pd.DataFrame({"psi": values, "reading": reading,
                          "training mean": reference[list(inputs)].mean(), "batch mean": current[list(inputs)].mean()})
    return table.sort_values("psi", ascending=False, kind="stable")


def plot_psi(table: pd.DataFrame, title: str) -> Figure:
    """Bars of each input's PSI (a ``psi_table``), with the watch and shift thresholds."""
    shown = table.iloc[::-1]
    colours = [RISK_UP if value >= SHIFTED else (NEUTRAL if value >= WATCH else RISK_DOWN) for value in shown["psi"]]
    figure, axes = plt.subplots(figsize=(7, min(5.2, 0.22 * len(shown) + 1.0)))
    axes.barh(shown.index, shown["psi"], color=colours)
    for threshold, label in ((WATCH, "watch"), (SHIFTED, "shifted")):
        axes.axvline(threshold, color=NEUTRAL, linestyle="--", linewidth=1)
        axes.text(threshold, len(shown) - 0.4, f" {label}", color=NEUTRAL, fontsize=8, va="bottom")
    axes.set(title=title, xlabel="population stability index (batch vs training)")
    figure.tight_layout()
    return figure
