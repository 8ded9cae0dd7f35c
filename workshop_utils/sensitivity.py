"""Sensitivity analysis: perturb a model's inputs, rescore, and measure what moves.

A *perturbation* is a function from a frame to a changed copy of it (the input is never
modified): shift an input by an amount, set it to a value (an extreme, an out-of-range value)
or to missing, or add months of payment delay to a repayment status. ``score_perturbed`` stacks
the original and every perturbed copy and scores them in ONE ``predict`` call; ``sensitivity_table``
then reports, per perturbation, how far the predictions moved and how many decisions at a cutoff
flipped, in which direction. The figures (sensitivity bars, single-customer sweeps) live here
too; residual analysis is in ``residuals``.

Example:
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x": [0.1, 0.4, 0.7]})
    >>> predict = lambda frame: frame["x"].fillna(0.0).to_numpy()
    >>> scores = score_perturbed(predict, X, {"x + 0.2": lambda f: shift(f, "x", 0.2)})
    >>> scores.round(2).to_dict("list")
    {'as is': [0.1, 0.4, 0.7], 'x + 0.2': [0.3, 0.6, 0.9]}
    >>> decision_changes(scores["as is"], scores["x + 0.2"], cutoff=0.5)
    {'flipped': 0.3333333333333333, 'to_default': 0.3333333333333333, 'to_no_default': 0.0}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from workshop_utils.cutoffs import decide, flipped
from workshop_utils.pdp import Predict, ice_curves, score_versions
from workshop_utils.plots import NEUTRAL, RISK_DOWN, RISK_UP, panel_grid, plt

__all__ = ["AS_IS", "NO_DELAY", "TOP_STATUS", "Perturb", "add_delay", "decision_changes", "plot_sensitivity",
           "plot_sweep", "score_perturbed", "sensitivity_table", "set_missing", "set_value", "shift", "sweep"]

Perturb = Callable[[pd.DataFrame], pd.DataFrame]
"""A perturbation: takes a frame, returns a changed copy (never changes its argument)."""

AS_IS = "as is"
"""Column name of the unperturbed scores in ``score_perturbed``'s result."""

NO_DELAY = 0
"""Repayment status codes up to this one (-2 no consumption, -1 paid in full, 0 revolving
credit) all mean "no payment delay"."""

TOP_STATUS = 9
"""Highest repayment status code: "payment delayed nine months or more"."""


# ---------------------------------------------------------------------------------------------
# Perturbations
# ---------------------------------------------------------------------------------------------

def shift(frame: pd.DataFrame, feature: str, amount: float, low: float | None = None,
          high: float | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with ``amount`` added to ``feature``, clipped to [``low``, ``high``]
    when given.

    >>> shift(pd.DataFrame({"x": [1, 5]}), "x", 3, high=6)["x"].tolist()
    [4, 6]
    """
    changed = frame.copy()
    changed[feature] = (frame[feature] + amount).clip(lower=low, upper=high)
    return changed


def set_value(frame: pd.DataFrame, feature: str, value: float) -> pd.DataFrame:
    """Copy of ``frame`` with ``feature`` set to ``value`` in every row (an extreme value, an
    out-of-range value, NaN for missing...).

    >>> set_value(pd.DataFrame({"x": [1, 5]}), "x", 99)["x"].tolist()
    [99, 99]
    """
    return frame.assign(**{feature: value})


def set_missing(frame: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Copy of ``frame`` with ``feature`` missing (NaN) in every row.

    >>> set_missing(pd.DataFrame({"x": [1, 5]}), "x")["x"].isna().tolist()
    [True, True]
    """
    return set_value(frame, feature, np.nan)


def add_delay(frame: pd.DataFrame, feature: str = "PAY_0", months: int = 1,
              top: int = TOP_STATUS) -> pd.DataFrame:
    """Copy of ``frame`` where repayment status ``feature`` is ``months`` months later: a
    customer with no delay (codes -2, -1, 0) becomes ``months`` late (code ``months``), a late
    one gets ``months`` more, capped at ``top`` (code 9 means nine months or more).

    >>> add_delay(pd.DataFrame({"PAY_0": [-2, -1, 0, 1, 8, 9]}))["PAY_0"].tolist()
    [1, 1, 1, 2, 9, 9]
    """
    changed = frame.copy()
    months_late = frame[feature].clip(lower=NO_DELAY)
    changed[feature] = (months_late + months).clip(upper=top)
    return changed


# ---------------------------------------------------------------------------------------------
# Scoring and measuring
# ---------------------------------------------------------------------------------------------

def score_perturbed(predict: Predict, frame: pd.DataFrame,
                    perturbations: Mapping[str, Perturb]) -> pd.DataFrame:
    """Predictions for ``frame`` as it is (column ``"as is"``) and after each perturbation (one
    column per name), all scored in ONE ``predict`` call on the stacked frames.

    >>> X = pd.DataFrame({"x": [1.0, 2.0]})
    >>> score_perturbed(lambda f: f["x"].to_numpy(), X, {"zero": lambda f: set_value(f, "x", 0)})["zero"].tolist()
    [0.0, 0.0]
    """
    versions = [frame, *(perturb(frame)[frame.columns] for perturb in perturbations.values())]
    scores = score_versions(predict, versions)
    return pd.DataFrame(scores.T, index=frame.index, columns=[AS_IS, *perturbations])


def decision_changes(before: Sequence[float], after: Sequence[float], cutoff: float) -> dict[str, float]:
    """Share of rows whose decision at ``cutoff`` changes (``flipped``), split into the share
    newly predicted to default (``to_default``) and newly predicted not to (``to_no_default``).

    >>> decision_changes([0.1, 0.6, 0.3, 0.2], [0.6, 0.4, 0.35, 0.1], cutoff=0.5)
    {'flipped': 0.5, 'to_default': 0.25, 'to_no_default': 0.25}
    """
    changed = flipped(np.asarray(before, dtype=float), np.asarray(after, dtype=float), cutoff)
    now_default = decide(np.asarray(after, dtype=float), cutoff) == 1
    to_default = float(np.mean(changed & now_default))
    to_no_default = float(np.mean(changed & ~now_default))
    return {"flipped": to_default + to_no_default, "to_default": to_default,
            "to_no_default": to_no_default}


def sensitivity_table(scores: pd.DataFrame, cutoff: float, tolerance: float = 1e-6) -> pd.DataFrame:
    """One row per perturbation (each column of ``scores`` but ``"as is"``): the mean change of
    the prediction, its mean absolute change, the largest absolute change, the shares of rows
    whose prediction went up or down by more than ``tolerance``, and ``decision_changes``.

    >>> s = pd.DataFrame({AS_IS: [0.1, 0.6], "up": [0.7, 0.8]})
    >>> sensitivity_table(s, 0.5).loc["up", ["mean_change", "share_up", "flipped"]].tolist()
    [0.4, 1.0, 0.5]
    """
    rows = {}
    for name in scores.columns.drop(AS_IS):
        change = scores[name] - scores[AS_IS]
        rows[name] = {"mean_change": change.mean(), "mean_abs_change": change.abs().mean(),
                      "max_abs_change": change.abs().max(),
                      "share_up": float((change > tolerance).mean()),
                      "share_down": float((change < -tolerance).mean()),
                      **decision_changes(scores[AS_IS], scores[name], cutoff)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "perturbation"
    return table


def sweep(predict: Predict, rows: pd.DataFrame, feature: str, values: Sequence[float],
          missing: bool = True) -> pd.DataFrame:
    """Single-customer sensitivity: each row of ``rows`` scored with ``feature`` set to each of
    ``values`` (and, with ``missing``, to NaN in a last column), all in one ``predict`` call.
    One row per customer, one column per value (the ICE curves of ``pdp.ice_curves``).

    >>> X = pd.DataFrame({"x": [1.0, 2.0]})
    >>> sweep(lambda f: f["x"].fillna(-1).to_numpy(), X, "x", [0.0, 5.0]).to_numpy().tolist()
    [[0.0, 5.0, -1.0], [0.0, 5.0, -1.0]]
    """
    grid = [*np.asarray(values, dtype=float), *([np.nan] if missing else [])]
    return ice_curves(predict, rows, feature, grid)


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def plot_sensitivity(table: pd.DataFrame, title: str) -> Figure:
    """Left: mean change of the predicted probability per perturbation (risk up in red, down in
    blue). Right: share of decisions flipped, split into newly declined and newly approved."""
    shown = table.iloc[::-1]
    positions = np.arange(len(shown))
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 0.42 * len(shown) + 1.6), sharey=True)
    colours = [RISK_UP if change > 0 else RISK_DOWN for change in shown["mean_change"]]
    left.barh(positions, shown["mean_change"], color=colours)
    left.axvline(0, color=NEUTRAL, linewidth=0.8)
    left.set_yticks(positions, shown.index)
    left.set(xlabel="mean change of the predicted probability of default", title=title)
    right.barh(positions, shown["to_default"], color=RISK_UP, label="now predicted to default")
    right.barh(positions, shown["to_no_default"], left=shown["to_default"], color=RISK_DOWN,
               label="now predicted not to default")
    for position, share in zip(positions, shown["flipped"]):
        right.text(share, position, f" {share:.1%}", va="center", fontsize=8)
    right.set(xlabel="share of decisions flipped at the cutoff", title="Decisions that change")
    right.set_xlim(0, max(float(shown["flipped"].max()) * 1.2, 0.01))
    right.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


def _tick_label(value: float) -> str:
    """Short tick label: thousands as "200k", small numbers as they are.

    >>> _tick_label(200000.0), _tick_label(-2.0)
    ('200k', '-2')
    """
    return f"{value / 1000:g}k" if abs(value) >= 1000 else f"{value:g}"


def _missing_position(grid: np.ndarray) -> float:
    """Where the "missing" point goes on a sweep's x axis: a little past the last value."""
    span = grid.max() - grid.min() if len(grid) > 1 else 1.0
    return float(grid.max() + 0.15 * span)


def plot_sweep(curves: Mapping[str, pd.DataFrame], observed: pd.DataFrame, cutoff: float,
               labels: pd.Series, columns: int = 2) -> Figure:
    """Single-customer sweeps, one panel per input: ``curves`` maps an input to a ``sweep``
    result (a NaN column, if any, is drawn as a separate "missing" point at the right). Each
    customer (a row, named by ``labels``) gets a line and a dot at its real value
    (``observed``, indexed like the curves); the dashed line is the decision cutoff."""
    figure, grid = panel_grid(len(curves), columns, (6, 4))
    colours = plt.cm.viridis(np.linspace(0, 0.85, len(labels)))
    for number, (axes, (name, table)) in enumerate(zip(grid.ravel(), curves.items())):
        values = table.columns.to_numpy(dtype=float)
        known = ~np.isnan(values)
        where_missing = _missing_position(values[known])
        for colour, (row, curve) in zip(colours, table.iterrows()):
            axes.plot(values[known], curve.to_numpy()[known], color=colour, linewidth=1.6,
                      label=labels[row])
            real = float(observed.loc[row, name])
            axes.scatter([real], [np.interp(real, values[known], curve.to_numpy()[known])],
                         color=colour, s=45, zorder=3, edgecolor="black")
            if not known.all():
                axes.scatter([where_missing], [curve.to_numpy()[~known][0]], color=colour,
                             marker="D", s=40, zorder=3)
        axes.axhline(cutoff, color=RISK_UP, linestyle="--", linewidth=1,
                     label=f"cutoff {cutoff:.3f}")
        if not known.all():
            axes.axvline(where_missing, color="0.85", linewidth=8, zorder=0)
            low, high = values[known].min(), values[known].max()
            ticks = [tick for tick in axes.get_xticks()
                     if low <= tick <= high and where_missing - tick > 0.12 * (high - low)]
            axes.set_xticks([*ticks, where_missing], [_tick_label(t) for t in ticks] + ["missing"])
        axes.set(xlabel=name, ylabel="predicted probability of default", ylim=(0, 1),
                 title=f"Sweeping {name} (dot: the customer's real value)")
        if number == 0:
            axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    return figure
