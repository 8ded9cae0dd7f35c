"""Imbalance in the data: how many rows and defaults each group has, resampling to a class
balance, and a split balanced by group.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"y": [1, 0, 0, 0, 1, 0], "g": list("aabbbb")})
    >>> group_balance(frame, "y", ["g"])  # doctest: +NORMALIZE_WHITESPACE
       n  defaults  default rate  share of rows
    g
    a  2         1          0.50       0.333333
    b  4         1          0.25       0.666667
    >>> float(downsample(frame, "y", share=0.5)["y"].mean())
    0.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.model_selection import train_test_split

from workshop_utils import SEED
from workshop_utils.data import Split
from workshop_utils.plots import NEUTRAL, RISK_UP, panel_grid, plt

__all__ = ["downsample", "draw_rate_grid", "group_balance", "group_balanced_split", "plot_group_balance",
           "plot_pair_balance", "plot_resampling", "upsample"]


def group_balance(frame: pd.DataFrame, target: str, by: Sequence[str]) -> pd.DataFrame:
    """Per group of the columns ``by`` (one column, or a pair for intersections): rows ``n``,
    ``defaults``, ``default rate`` and ``share of rows``; groups that do not occur are left out."""
    grouped = frame.groupby(list(by), observed=True)[target]
    table = pd.DataFrame({"n": grouped.size(), "defaults": grouped.sum()})
    table["default rate"] = table["defaults"] / table["n"]
    table["share of rows"] = table["n"] / table["n"].sum()
    return table


def _split_by_class(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    positives, negatives = frame[frame[target] == 1], frame[frame[target] == 0]
    if positives.empty or negatives.empty:
        raise ValueError(f"{target} must hold both classes (1 and 0) to resample.")
    return positives, negatives


def downsample(frame: pd.DataFrame, target: str, share: float = 0.5, seed: int = SEED) -> pd.DataFrame:
    """Keep every row with ``target == 1`` and draw, without replacement, just enough rows with
    ``target == 0`` that the 1s make up ``share`` of the result (rounded to whole rows); the
    rows keep their index and come back in ``frame``'s order.

    >>> small = downsample(pd.DataFrame({"y": [1, 0, 0, 0, 0, 0, 0]}), "y", share=0.25)
    >>> len(small), int(small["y"].sum())
    (4, 1)
    """
    positives, negatives = _split_by_class(frame, target)
    wanted = round(len(positives) * (1 - share) / share)
    if not 0 < share < 1 or wanted > len(negatives):
        raise ValueError(f"share {share} needs {wanted} rows with {target} = 0; there are {len(negatives)}.")
    kept = negatives.sample(n=wanted, replace=False, random_state=seed)
    return frame.loc[frame.index.isin(positives.index.union(kept.index))]


def upsample(frame: pd.DataFrame, target: str, share: float = 0.5, seed: int = SEED) -> pd.DataFrame:
    """Keep every row and add copies of rows with ``target == 1``, drawn with replacement, until
    the 1s make up ``share`` of the result (rounded to whole rows). Copies repeat their index.

    >>> big = upsample(pd.DataFrame({"y": [1, 0, 0, 0]}), "y", share=0.5)
    >>> len(big), int(big["y"].sum())
    (6, 3)
    """
    positives, negatives = _split_by_class(frame, target)
    wanted = round(len(negatives) * share / (1 - share))
    if not 0 < share < 1 or wanted < len(positives):
        raise ValueError(f"share {share} needs {wanted} rows with {target} = 1; there are already {len(positives)}.")
    extra = positives.sample(n=wanted - len(positives), replace=True, random_state=seed)
    return pd.concat([frame, extra])


def group_balanced_split(frame: pd.DataFrame, target: str, groups: pd.Series, test_share: float = 0.3,
                         valid_share: float = 0.2, seed: int = SEED) -> Split:
    """Like ``data.split_data`` (same shares, same seed) but stratified by the target *and*
    ``groups`` together, so every group has the same share of rows, and of defaulters, in the
    training, validation and test parts.

    >>> frame = pd.DataFrame({"y": [0, 1] * 20, "g": list("ab" * 10 + "ba" * 10)})
    >>> parts = group_balanced_split(frame, "y", frame["g"], test_share=0.5, valid_share=0.5)
    >>> parts.test.groupby(["g", "y"]).size().tolist()
    [5, 5, 5, 5]
    """
    strata = frame[target].astype(str) + " | " + groups.loc[frame.index].astype(str)
    rest, test = train_test_split(frame, test_size=test_share, random_state=seed, stratify=strata)
    train, valid = train_test_split(rest, test_size=valid_share, random_state=seed, stratify=strata.loc[rest.index])
    return Split(train=train, valid=valid, test=test)


def plot_group_balance(tables: Mapping[str, pd.DataFrame], overall_rate: float,
                       title: str = "Rows and default rate per group") -> Figure:
    """One panel per attribute: bars of each group's rows (left axis) and its default rate as
    dots (right axis), the overall default rate dashed. ``tables`` maps attribute to a
    :func:`group_balance` table."""
    figure, grid = panel_grid(len(tables), 2, (5.0, 2.6))
    for axes, (name, table) in zip(grid.ravel(), tables.items()):
        labels = [str(label) for label in table.index]
        axes.bar(labels, table["n"], color="0.8")
        axes.set_ylabel("rows", color="0.45")
        axes.tick_params(axis="x", labelrotation=25, labelsize=8)
        rates = axes.twinx()
        rates.plot(labels, table["default rate"], "o", color=RISK_UP, markersize=7)
        rates.axhline(overall_rate, color=NEUTRAL, linestyle="--", linewidth=0.8)
        rates.set_ylim(0, max(0.5, float(table["default rate"].max()) + 0.05))
        rates.set_ylabel("default rate", color=RISK_UP)
        axes.set_title(name, fontsize=10)
    figure.suptitle(f"{title} (dashed: overall default rate {overall_rate:.3f})", fontsize=11)
    figure.tight_layout()
    return figure


def draw_rate_grid(axes: plt.Axes, rates: pd.DataFrame, counts: pd.DataFrame, limits: tuple[float, float],
                   text: str) -> Any:
    """Draw a table of rates as a red heat map on ``axes``, each cell labelled by ``text``
    (formatted with ``rate`` and ``n``, its count in ``counts``; a NaN rate is left blank), with
    the tables' labels on the axes; returns the image (for a colour bar).

    >>> figure, axes = plt.subplots()
    >>> grid = pd.DataFrame([[0.1, np.nan]], index=["a"], columns=["x", "y"])
    >>> image = draw_rate_grid(axes, grid, grid.fillna(0) * 0 + 5, (0, 1), "{rate:.1f} n={n}")
    >>> [t.get_text() for t in axes.texts]
    ['0.1 n=5']
    """
    values = rates.to_numpy(dtype=float)
    image = axes.imshow(values, cmap="Reds", vmin=limits[0], vmax=limits[1], aspect="auto")
    dark = limits[0] + 0.65 * (limits[1] - limits[0])
    for (row, col), rate in np.ndenumerate(values):
        if not np.isnan(rate):
            axes.text(col, row, text.format(rate=rate, n=int(counts.iat[row, col])), ha="center", va="center",
                      fontsize=7, color="white" if rate > dark else "black")
    axes.set_xticks(range(rates.shape[1]), [str(c) for c in rates.columns], rotation=25, fontsize=8)
    axes.set_yticks(range(rates.shape[0]), [str(r) for r in rates.index], fontsize=8)
    axes.set(xlabel=rates.columns.name, ylabel=rates.index.name)
    return image


def plot_pair_balance(tables: Mapping[str, pd.DataFrame], title: str = "Pairs of attributes") -> Figure:
    """One heat map per pair of attributes: each cell is a :func:`group_balance` intersection,
    coloured by its default rate and labelled with its rate and rows (blank: no rows)."""
    figure, grid = panel_grid(len(tables), 2, (5.0, 3.2))
    for axes, (name, table) in zip(grid.ravel(), tables.items()):
        rates = table["default rate"].unstack()
        image = draw_rate_grid(axes, rates, table["n"].unstack().reindex_like(rates), (0.1, 0.4), "{rate:.2f}\nn={n}")
        axes.set_title(name, fontsize=10)
        figure.colorbar(image, ax=axes, label="default rate", fraction=0.05)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure



def plot_resampling(air: pd.DataFrame, auc: pd.Series, floor: float = 0.8,
                    title: str = "Each group's adverse impact ratio, by training data") -> Figure:
    """Grouped bars: one group per row of ``air`` (each group's AIR to the most favoured group),
    one bar per column (a way of building the training data), labelled in the legend with its
    test AUC from ``auc``; the four-fifths floor dashed."""
    figure, axes = plt.subplots(figsize=(9, 0.32 * air.size / 2 + 2.2))
    positions = np.arange(len(air))
    height = 0.8 / air.shape[1]
    colours = plt.cm.viridis(np.linspace(0, 0.85, air.shape[1]))
    for number, (colour, name) in enumerate(zip(colours, air.columns)):
        axes.barh(positions + number * height, air[name].to_numpy(dtype=float), height, color=colour,
                  label=f"{name} (test AUC {auc[name]:.4f})")
    axes.axvline(floor, color=RISK_UP, linestyle="--", linewidth=1, label=f"four-fifths floor ({floor:g})")
    axes.set_yticks(positions + 0.4 - height / 2, [str(g) for g in air.index], fontsize=8)
    axes.invert_yaxis()
    axes.set(xlim=(min(0.5, float(air.min().min()) - 0.05), 1.02),
             xlabel="favourable rate over the most favoured group's (test rows)", title=title)
    axes.legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    return figure
